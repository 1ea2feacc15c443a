import { CursorInvalidError } from '@app/intercom';

/** The note lists: a contact's and (2.16) a company's. Each list's cursors name it, so one is no cursor of the other. */
export type NoteList = 'notes' | 'company-notes';

/** A place in a note list: the page it opens (for `pages.page`) and the position, newest first, it resumes at. */
export interface NoteCursor {
  page: number;
  before: number;
}

export const encodeNoteCursor = ({ page, before }: NoteCursor, list: NoteList = 'notes'): string =>
  Buffer.from(`${list}:${page}:${before}`).toString('base64url');

export function decodeNoteCursor(cursor: string, list: NoteList = 'notes'): NoteCursor {
  const match = new RegExp(`^${list}:(\\d{1,7}):(\\d{1,9})$`).exec(Buffer.from(cursor, 'base64url').toString());
  const page = Number(match?.[1]);
  if (!match || page < 2) throw new CursorInvalidError('starting_after');
  return { page, before: Number(match[2]) };
}

/**
 * A note_list's `pages`: the 2.14 schema's cursor_pages, whose `next` is `{per_page, starting_after}` (null on the last
 * page, as in the documented example); the numbered pages go on working (the 7.x SDK counts `page` up).
 */
export function renderNotePages(list: NoteList, { total, shown, page, perPage }: { total: number; shown: number; page: number; perPage: number }) {
  return {
    type: 'pages',
    next: shown < total ? { per_page: perPage, starting_after: encodeNoteCursor({ page: page + 1, before: total - shown }, list) } : null,
    page,
    per_page: perPage,
    total_pages: Math.ceil(total / perPage),
  };
}
