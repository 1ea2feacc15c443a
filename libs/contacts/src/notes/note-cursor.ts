import { CursorInvalidError } from '@app/intercom';

/** A place in a contact's notes: the page it opens (for `pages.page`) and the position of note_ids it ends before. */
export interface NoteCursor {
  page: number;
  before: number;
}

const PREFIX = 'notes';

export const encodeNoteCursor = ({ page, before }: NoteCursor): string => Buffer.from(`${PREFIX}:${page}:${before}`).toString('base64url');

export function decodeNoteCursor(cursor: string): NoteCursor {
  const match = /^notes:(\d{1,7}):(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const page = Number(match?.[1]);
  if (!match || page < 2) throw new CursorInvalidError('starting_after');
  return { page, before: Number(match[2]) };
}
