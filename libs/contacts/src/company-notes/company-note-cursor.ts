import { CursorInvalidError } from '@app/intercom';

/** A place in a company's notes: the page it opens (for `pages.page`) and the position of the note it starts at. */
export interface CompanyNoteCursor {
  page: number;
  upto: number;
}

export const encodeCompanyNoteCursor = ({ page, upto }: CompanyNoteCursor): string => Buffer.from(`company-notes:${page}:${upto}`).toString('base64url');

export function decodeCompanyNoteCursor(cursor: string): CompanyNoteCursor {
  const match = /^company-notes:(\d{1,7}):(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const page = Number(match?.[1]);
  if (!match || page < 2) throw new CursorInvalidError('starting_after');
  return { page, upto: Number(match[2]) };
}
