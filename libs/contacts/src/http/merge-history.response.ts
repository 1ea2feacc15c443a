import type { MergeHistoryItem } from '../application/get-contact.query.js';
import { CursorInvalidError } from '../application/search/search.errors.js';
import type { MergeHistoryRequest } from './contact.request.js';

/** Intercom's merge_history list; merges are few, so the page is cut from the whole list by an offset cursor. */
export function renderMergeHistory(items: MergeHistoryItem[], { per_page = 50, order = 'desc', cursor }: MergeHistoryRequest) {
  const ordered = order === 'asc' ? items : [...items].reverse();
  const offset = cursor === undefined ? 0 : decodeOffset(cursor);
  const page = ordered.slice(offset, offset + per_page);
  const hasMore = offset + per_page < ordered.length;
  return {
    type: 'list',
    data: page.map((item) => ({ type: 'merge_history', source_contact_id: item.source_contact_id, source_contact_role: 'lead', merged_at: item.merged_at })),
    next_cursor: hasMore ? Buffer.from(`m${offset + per_page}`).toString('base64url') : null,
    has_more: hasMore,
  };
}

function decodeOffset(cursor: string): number {
  const match = /^m(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new CursorInvalidError('cursor');
  return Number(match[1]);
}
