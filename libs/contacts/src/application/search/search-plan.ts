import { encodeCursor, type CursorPosition, decodeCursor } from './page-cursor.js';
import { compileFilter } from './search-compiler.js';
import type { SearchContext } from './search-fields.js';
import { type SortPlan, planSort } from './search-sort.js';
import { SqlParams } from './sql-params.js';

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
