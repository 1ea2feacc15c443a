import { encodeCompanyNoteCursor } from './company-note-cursor.js';
import type { CompanyNotePage, CompanyNoteRecord } from './company-note.repository.js';

const company = (n: CompanyNoteRecord) => ({ type: 'company', id: n.company_id });
const shortAuthor = (n: CompanyNoteRecord) => ({
  type: 'admin',
  id: n.author.id,
  name: n.author.name,
  email: n.author.email,
  away_mode_enabled: false,
  away_mode_reassign: false,
});

/** 2.16's note on a company, key for key as the createCompanyNote example (its author the short admin it shows). */
export const renderCompanyNote = (n: CompanyNoteRecord) => ({
  type: 'note',
  id: n.id,
  created_at: n.created_at,
  company: company(n),
  author: shortAuthor(n),
  body: n.body,
});

/** A note of the listCompanyNotes example, whose author carries the admin's inbox fields too (no teams, no away reason). */
const listedNote = (n: CompanyNoteRecord) => ({
  type: 'note',
  id: n.id,
  created_at: n.created_at,
  company: company(n),
  author: { ...shortAuthor(n), away_status_reason_id: null, has_inbox_seat: true, team_ids: [], team_priority_level: {} },
  body: n.body,
});

/**
 * 2.16's note_list: `pages` is cursor_pages, whose `next` is `{per_page, starting_after}` (null on the last page, as
 * in the example); numbered pages work too, as for a contact's notes.
 */
export function renderCompanyNoteList({ total, offset, notes }: CompanyNotePage, page: number, perPage: number) {
  const shown = offset + notes.length;
  return {
    type: 'list',
    data: notes.map(listedNote),
    total_count: total,
    pages: {
      type: 'pages',
      next: shown < total ? { per_page: perPage, starting_after: encodeCompanyNoteCursor({ page: page + 1, upto: total - shown }) } : null,
      page,
      per_page: perPage,
      total_pages: Math.ceil(total / perPage),
    },
  };
}
