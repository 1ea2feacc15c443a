import { encodeNoteCursor } from './note-cursor.js';
import type { NotePage, NoteRecord } from './note.repository.js';

/** Intercom's note, key for key as in the 2.11 examples; the author is the short admin they show. */
export const renderNote = (n: NoteRecord) => ({
  type: 'note',
  id: n.id,
  created_at: n.created_at,
  contact: { type: 'contact', id: n.contact_id },
  author: { type: 'admin', id: n.author.id, name: n.author.name, email: n.author.email, away_mode_enabled: false, away_mode_reassign: false },
  body: n.body,
});

/**
 * Intercom's note_list; `pages` is the 2.14 schema's cursor_pages, whose `next` is `{per_page, starting_after}` (null on
 * the last page, as in the documented example). The numbered pages go on working (the 7.x SDK counts `page` up).
 */
export function renderNoteList({ total, offset, notes }: NotePage, page: number, perPage: number) {
  const shown = offset + notes.length;
  return {
    type: 'list',
    data: notes.map(renderNote),
    total_count: total,
    pages: {
      type: 'pages',
      next: shown < total ? { per_page: perPage, starting_after: encodeNoteCursor({ page: page + 1, before: total - shown }) } : null,
      page,
      per_page: perPage,
      total_pages: Math.ceil(total / perPage),
    },
  };
}
