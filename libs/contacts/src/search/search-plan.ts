import { CursorInvalidError } from '@app/intercom';
import { compileFilter } from './search-compiler.js';
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
}

/** Everything the read model needs for one page: the compiled filter, the order and where to resume. */
export interface SearchPlan {
  /** $1 is the workspace, then the filter's values, then the sort's: the count query binds only the first ones. */
  params: SqlParams;
  filter: string | null;
  filterValueCount: number;
  sort: SortPlan;
  after: CursorPosition | null;
  perPage: number;
}

export function planSearch(request: PageRequest): SearchPlan {
  const params = new SqlParams();
  params.bind(request.workspaceId);
  const filter = request.query === undefined ? null : compileFilter(request.query, request.context, params);
  const filterValueCount = params.values.length;
  const sort = planSort(request.sort, request.context, params);
  const after = request.startingAfter ? decodeCursor(request.startingAfter, sort) : null;
  return { params, filter, filterValueCount, sort, after, perPage: request.perPage };
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
  const next = rows.length > plan.perPage ? encodeCursor(plan.sort, { page: page + 1, keys: last.keys, id: last.id }) : null;
  return { items: shown.map((row) => row.item), total, page, perPage: plan.perPage, totalPages: Math.ceil(total / plan.perPage), next };
}

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
