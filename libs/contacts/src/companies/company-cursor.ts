import type { ListKey } from './company-views.repository.js';

/** The opaque cursors of the company lists: a position in the list order, or a contact id. */
export const encodeListKey = (key: ListKey): string => Buffer.from(`${key.created_at}.${key.id}`).toString('base64url');

export function decodeListKey(cursor: string): ListKey | null {
  const match = /^(\d{1,15})\.([0-9a-zA-Z_-]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { created_at: Number(match[1]), id: match[2] } : null;
}

export const encodeContactKey = (id: string): string => Buffer.from(`k.${id}`).toString('base64url');

export function decodeContactKey(cursor: string): string | null {
  const match = /^k\.([0-9a-zA-Z_-]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? match[1] : null;
}
