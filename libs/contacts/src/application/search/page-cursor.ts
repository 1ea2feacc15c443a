import type { SqlType } from './search-fields.js';
import type { SortPlan } from './search-sort.js';
import { CursorInvalidError } from './search.errors.js';

/** Where the next page starts: after the row with these sort key values and this id. */
export interface CursorPosition {
  /** The page number the cursor leads to, for `pages.page`; keyset paging itself does not need it. */
  page: number;
  keys: unknown[];
  id: string;
}

const MAX_LENGTH = 4096;

/** An opaque base64url token: the order's tag, the page number and the last row's key, so rows added or removed between fetches shift nothing. */
export function encodeCursor(sort: SortPlan, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([sort.tag, position.page, position.keys, position.id])).toString('base64url');
}

export function decodeCursor(token: string, sort: SortPlan): CursorPosition {
  if (token.length > MAX_LENGTH || !/^[A-Za-z0-9_-]+={0,2}$/.test(token)) throw new CursorInvalidError();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new CursorInvalidError();
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw new CursorInvalidError();
  const [tag, page, keys, id] = decoded as unknown[];
  const valid =
    tag === sort.tag &&
    Number.isSafeInteger(page) && (page as number) >= 1 &&
    Array.isArray(keys) && keys.length === sort.keys.length &&
    keys.every((key, i) => matches(key, sort.keys[i].type)) &&
    typeof id === 'string' && id.length > 0 && id.length <= 255 && matches(id, 'text');
  if (!valid) throw new CursorInvalidError();
  return { page: page as number, keys, id: id as string };
}

// Each key is bound with its SQL cast, so a value of the wrong shape would fail the query: reject it here.
function matches(value: unknown, type: SqlType): boolean {
  switch (type) {
    case 'text':
      return typeof value === 'string' && !value.includes('\u0000');
    case 'boolean':
      return typeof value === 'boolean';
    case 'bigint':
      return Number.isSafeInteger(value);
    case 'numeric':
      return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
  }
}
