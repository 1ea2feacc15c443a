import { type SearchContext, type SqlParams, type SqlType, resolveField } from './search-fields.js';
import { InvalidSortOrderError, SearchQueryInvalidError } from './search.errors.js';

export interface SortKey {
  sql: string;
  type: SqlType;
}

/** An order of contacts that keyset pagination can resume: the keys, then `c.id` as the tiebreak. */
export interface SortPlan {
  /** Names the order; a cursor is only accepted by the order it was made for. */
  tag: string;
  direction: 'asc' | 'desc';
  keys: SortKey[];
}

/**
 * Without a sort, contacts come oldest first: created_at, then id. Contacts created while a client pages
 * land after its cursor, so it sees them; the partial index contacts_list_idx serves exactly this order.
 */
export const DEFAULT_SORT: SortPlan = { tag: 'created_at:asc', direction: 'asc', keys: [{ sql: 'c.created_at', type: 'bigint' }] };

const ZERO: Record<SqlType, string> = { text: "''", bigint: '0', numeric: '0', boolean: 'false' };

/** Intercom 2.16's `sort: {field, order}`; the order defaults to descending, as documented. */
export function planSort(sort: unknown, context: SearchContext, params: SqlParams): SortPlan {
  if (sort === undefined || sort === null) return DEFAULT_SORT;
  if (typeof sort !== 'object' || Array.isArray(sort)) throw new SearchQueryInvalidError('sort must be an object {field, order}', 'sort');
  const { field = 'created_at', order = 'descending' } = sort as { field?: unknown; order?: unknown };
  if (order !== 'ascending' && order !== 'descending') throw new InvalidSortOrderError(order);
  const resolved = resolveField(field, context, 'sort');
  if (!resolved.sortable) throw new SearchQueryInvalidError(`Contacts cannot be sorted by ${resolved.name}`, 'sort');
  const direction = order === 'ascending' ? 'asc' : 'desc';
  const tag = `${resolved.name}:${direction}`;
  if (resolved.name === 'id') return { tag, direction, keys: [] };
  const sql = resolved.sql(params);
  // A row comparison cannot step over NULLs, so a nullable key sorts on (has a value, value or zero).
  const keys: SortKey[] = resolved.notNull
    ? [{ sql, type: resolved.sqlType }]
    : [
        { sql: `(${sql} IS NOT NULL)`, type: 'boolean' },
        { sql: `coalesce(${sql}, ${ZERO[resolved.sqlType]})`, type: resolved.sqlType },
      ];
  return { tag, direction, keys };
}
