import { renderNotePages } from './note-cursor.js';
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

/** Intercom's note_list of a contact. */
export function renderNoteList({ total, offset, notes }: NotePage, page: number, perPage: number) {
  return { type: 'list', data: notes.map(renderNote), total_count: total, pages: renderNotePages('notes', { total, shown: offset + notes.length, page, perPage }) };
}
