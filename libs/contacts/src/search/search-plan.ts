import { createHash } from 'node:crypto';
import { CursorInvalidError } from '@app/intercom';
import { type StoredMatch, compileFilter } from './search-compiler.js';
import { type SearchContext, SqlParams, type SqlType } from './search-fields.js';
import { type SortPlan, planSort } from './search-sort.js';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 150;

export interface PageRequest {
  workspaceId: string;
  /** The search DSL; absent for the plain list. */
  query?: unknown;
  /** Intercom 2.16's sort; the caller leaves it out on older versions. */
  sort?: unknown;
  perPage: number;
  startingAfter?: string | null;
  context: SearchContext;
  /** The workspace is large enough for the contact row's indexes (ContactListRepository.rowIndexesServe). */
  rowIndexes?: boolean;
}

/** Everything the read model needs for one page: the compiled filter, the order and where to resume. */
export interface SearchPlan {
  /** $1 is the workspace, then the filter's values, then the sort's: the count query binds only the first ones. */
  params: SqlParams;
  filter: string | null;
  /**
   * When the filter is positive on one stored field, its rows of contact_search_values. The matches are exactly those
   * rows, so the count reads that table's index alone and a page in the default order reads its first rows after the
   * cursor.
   */
  stored: StoredMatch | null;
  filterValueCount: number;
  sort: SortPlan;
  after: CursorPosition | null;
  perPage: number;
  /**
   * A search's filter and its values (workspace included), hashed: page 1's cursor carries its total under
   * this key, so later pages of the same search skip the count. Null for the plain list, whose total is
   * the projection's counter, fresh and O(1) on every page.
   */
  countKey: string | null;
}

export function planSearch(request: PageRequest): SearchPlan {
  const params = new SqlParams();
  const workspace = params.bind(request.workspaceId);
  const compiled = request.query === undefined ? null : compileFilter(request.query, request.context, params, workspace, request.rowIndexes);
  const filter = compiled?.sql ?? null;
  const stored = compiled?.stored ?? null;
  const filterValueCount = params.values.length;
  const countKey = filter === null ? null : fingerprint([filter, params.values]);
  const sort = planSort(request.sort, request.context, params);
  const after = request.startingAfter ? decodeCursor(request.startingAfter, sort, countKey) : null;
  return { params, filter, stored, filterValueCount, sort, after, perPage: request.perPage, countKey };
}

/** A row as the read model returns it: up to perPage + 1 of them, so a next page shows without a count. */
export interface PageRow<T> {
  item: T;
  keys: unknown[];
  id: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
  totalPages: number;
  /** The cursor of the next page; null on the last page. */
  next: string | null;
}

export function toPage<T>(plan: SearchPlan, rows: PageRow<T>[], total: number): Page<T> {
  const shown = rows.slice(0, plan.perPage);
  const page = plan.after?.page ?? 1;
  const last = shown[shown.length - 1];
  const carried = plan.countKey === null ? {} : { total, countKey: plan.countKey };
  const next = rows.length > plan.perPage ? encodeCursor(plan.sort, { page: page + 1, keys: last.keys, id: last.id, ...carried }) : null;
  return { items: shown.map((row) => row.item), total, page, perPage: plan.perPage, totalPages: Math.ceil(total / plan.perPage), next };
}

/** Where the next page starts: after the row with these sort key values and this id. */
export interface CursorPosition {
  /** The page number the cursor leads to, for `pages.page`; keyset paging itself does not need it. */
  page: number;
  keys: unknown[];
  id: string;
  /** The total counted on page 1 of this search, when the cursor carries it for the same search. */
  total?: number;
  /** Encoding only: the plan's countKey the total belongs to. */
  countKey?: string;
}

const MAX_LENGTH = 4096;
const COUNT_KEY = /^[A-Za-z0-9_-]{16}$/;

const fingerprint = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);

/**
 * An opaque base64url token: the order's tag, the page number and the last row's key, so rows added or removed
 * between fetches shift nothing; a search's cursor adds page 1's total and the search it counted.
 */
export function encodeCursor(sort: SortPlan, position: CursorPosition): string {
  const carried = position.total === undefined ? [] : [position.total, position.countKey];
  return Buffer.from(JSON.stringify([sort.tag, position.page, position.keys, position.id, ...carried])).toString('base64url');
}

/**
 * The total travels only to the same search (countKey): another filter or workspace counts afresh. A tampered
 * total is held to a non-negative safe integer, so it can misstate only its own caller's total_count.
 */
export function decodeCursor(token: string, sort: SortPlan, countKey: string | null = null): CursorPosition {
  if (token.length > MAX_LENGTH || !/^[A-Za-z0-9_-]+={0,2}$/.test(token)) throw new CursorInvalidError();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new CursorInvalidError();
  }
  if (!Array.isArray(decoded) || (decoded.length !== 4 && decoded.length !== 6)) throw new CursorInvalidError();
  const [tag, page, keys, id, total, key] = decoded as unknown[];
  const valid =
    tag === sort.tag &&
    Number.isSafeInteger(page) && (page as number) >= 1 &&
    Array.isArray(keys) && keys.length === sort.keys.length &&
    keys.every((key, i) => matches(key, sort.keys[i].type)) &&
    typeof id === 'string' && id.length > 0 && id.length <= 255 && matches(id, 'text') &&
    (decoded.length === 4 || (Number.isSafeInteger(total) && (total as number) >= 0 && typeof key === 'string' && COUNT_KEY.test(key)));
  if (!valid) throw new CursorInvalidError();
  const carried = countKey !== null && key === countKey ? { total: total as number } : {};
  return { page: page as number, keys, id: id as string, ...carried };
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
