import { renderNotePages } from '../notes/note-cursor.js';
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

/** 2.16's note_list of a company, paged as a contact's notes are. */
export function renderCompanyNoteList({ total, offset, notes }: CompanyNotePage, page: number, perPage: number) {
  return { type: 'list', data: notes.map(listedNote), total_count: total, pages: renderNotePages('company-notes', { total, shown: offset + notes.length, page, perPage }) };
}
