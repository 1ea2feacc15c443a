import { Inject, Injectable } from '@nestjs/common';
import { SEARCH_POOL } from '@app/event-store';
import { LIMITS } from '@app/intercom';
import type pg from 'pg';
import type { ContactView } from '../store/contact.repository.js';
import { contactColumns } from '../store/contact-state.columns.js';
import type { StoredMatch } from './search-compiler.js';
import type { PageRow, SearchPlan } from './search-plan.js';
import { SqlParams } from './search-fields.js';
import { DEFAULT_SORT } from './search-sort.js';

// Archived contacts never list or search (the predicate of the partial list index).
const VISIBLE = contactColumns('c').visible;

export interface ContactRows {
  rows: PageRow<ContactView>[];
  total: number;
}

interface Statement {
  text: string;
  values: unknown[];
}

/**
 * The keyset page (perPage + 1 rows, to see whether another follows) and the total count of one plan.
 * The count binds only the workspace and the filter's values, which the plan binds first. The plain list
 * (no filter) sums the workspace's counter rows, which the projection keeps (store/read-model.projection.ts).
 * A search counts at most EXACT_COUNT_LIMIT + 1 matches, so its cost has a bound whatever the workspace's size.
 */
export function pageStatements(plan: SearchPlan): { walk: Statement | null; page: Statement; count: Statement | null } {
  const where = filteredWhere(plan);
  const count = countStatement(plan, where);
  if (!plan.stored || plan.sort !== DEFAULT_SORT) return { walk: null, page: contactsPage(plan, where), count };
  return { walk: plan.stored.equality ? null : storedPage(plan, plan.stored, true), page: storedPage(plan, plan.stored, false), count };
}

/** The contacts a plan may answer: the workspace's listed ones that meet its filter. */
const filteredWhere = (plan: SearchPlan) => ['c.workspace_id = $1', VISIBLE, ...(plan.filter ? [plan.filter] : [])].join(' AND ');

/** The field's values the walk reads at most before the page falls back to the filter's own index. */
export const WALK_LIMIT = 10_000;

/** The page read from contacts: the list index in the default order, any filter as a condition on each row. */
function contactsPage(plan: SearchPlan, where: string): Statement {
  const keys = [...plan.sort.keys.map((key) => key.sql), 'c.id'];
  const direction = plan.sort.direction === 'asc' ? 'ASC' : 'DESC';
  const conditions = [where];
  if (plan.after) {
    const bound = [...plan.after.keys.map((value, i) => plan.params.bind(value, plan.sort.keys[i].type)), plan.params.bind(plan.after.id, 'text')];
    conditions.push(`(${keys.join(', ')}) ${direction === 'ASC' ? '>' : '<'} (${bound.join(', ')})`);
  }
  const text = `
    SELECT c.state, c.version, ${keys.map((key, i) => `${key} AS k${i}`).join(', ')}
      FROM contacts c
     WHERE ${conditions.join(' AND ')}
     ORDER BY ${keys.map((key) => `${key} ${direction}`).join(', ')}
     LIMIT ${plan.params.bind(plan.perPage + 1, 'int')}`;
  return { text, values: plan.params.values };
}

/**
 * The page of a filter on one stored field, in the default order (created_at, id): the first matching rows of
 * contact_search_values after the cursor, then their contacts by primary key (the side table holds listed contacts
 * only, so every row has its contact). The plain page lets the planner pick the filter's index; the walk reads the
 * field's values in the list's order (the order index holds them all, so no heap) and keeps the matches, at most
 * WALK_LIMIT of them: a range, list or pattern that matches one contact in 200 or more fills the page so. The planner
 * cannot tell (its statistics of a value mix every field), so the walk is tried first and the plain page follows when
 * it did not fill.
 */
function storedPage(plan: SearchPlan, { scope, cond }: StoredMatch, walk: boolean): Statement {
  const params = new SqlParams();
  params.values.push(...plan.params.values.slice(0, plan.filterValueCount));
  const after = plan.after
    ? ` AND (v.created_at, v.contact_id) > (${params.bind(plan.after.keys[0], 'bigint')}, ${params.bind(plan.after.id, 'text')})`
    : '';
  const limit = params.bind(plan.perPage + 1, 'int');
  // The walk's row number WALK_LIMIT comes along as a marker (hit or not): without it the walk read the field to its
  // end, and its matches are the whole answer.
  const matches = walk
    ? `SELECT w.created_at, w.contact_id, w.hit IS TRUE AS hit, w.n = ${WALK_LIMIT} AS marker
         FROM (SELECT v.created_at, v.contact_id, (${cond}) AS hit, row_number() OVER (ORDER BY v.created_at, v.contact_id) AS n
                 FROM contact_search_values v
                WHERE ${scope}${after} ORDER BY v.created_at, v.contact_id LIMIT ${WALK_LIMIT}) w
        WHERE w.hit OR w.n = ${WALK_LIMIT} LIMIT ${limit} + 1`
    : `SELECT v.created_at, v.contact_id, true AS hit, false AS marker FROM contact_search_values v
        WHERE ${scope} AND ${cond}${after} ORDER BY v.created_at, v.contact_id LIMIT ${limit}`;
  const text = `
    SELECT c.state, c.version, m.created_at AS k0, m.contact_id AS k1, m.hit, m.marker
      FROM (${matches}) m
      JOIN contacts c ON c.workspace_id = $1 AND c.id = m.contact_id
     ORDER BY m.created_at, m.contact_id`;
  return { text, values: params.values };
}

/** The matches a search counts exactly; beyond, its total_count is an estimate (README: Search at any size). */
export const EXACT_COUNT_LIMIT = LIMITS.searchExactCount;

const COUNTER_TOTAL = 'SELECT coalesce(sum(visible), 0)::bigint AS total FROM contact_counts WHERE workspace_id = $1';

/** The matches of a search, unbounded: only ever planned (EXPLAIN), never run. */
const matchesOf = (plan: SearchPlan, where: string) =>
  plan.stored ? `SELECT 1 FROM contact_search_values v WHERE ${plan.stored.scope} AND ${plan.stored.cond}` : `SELECT 1 FROM contacts c WHERE ${where}`;

function countStatement(plan: SearchPlan, where: string): Statement | null {
  // A later page of a search answers the total its cursor carries from page 1: no count at all.
  if (plan.after?.total !== undefined) return null;
  const values = plan.params.values.slice(0, plan.filterValueCount);
  if (!plan.filter) return { text: COUNTER_TOTAL, values };
  // On one stored field the matches are index entries of contact_search_values, which holds listed contacts only.
  return { text: `SELECT count(*)::int AS total FROM (${matchesOf(plan, where)} LIMIT ${EXACT_COUNT_LIMIT + 1}) matches`, values };
}

/** Reads pages of the contacts read model: a keyset page and, when it is not carried over, the total, side by side. */
@Injectable()
export class ContactListRepository {
  constructor(@Inject(SEARCH_POOL) private readonly pool: pg.Pool) {}

  /**
   * A filter (a long pattern, a negative operator) can make either query slow: both run on the search pool, whose
   * sessions have the search's shorter statement timeout and which holds at most half the connections writers use.
   */
  async page(plan: SearchPlan): Promise<ContactRows> {
    const statements = pageStatements(plan);
    const [page, count] = await Promise.all([this.readPage(plan, statements), statements.count && this.pool.query(statements.count)]);
    const keyCount = plan.sort.keys.length;
    const rows = page.map((row) => ({
      item: { state: row.state as ContactView['state'], version: row.version as number },
      keys: plan.sort.keys.map((_, i) => row[`k${i}`]),
      id: row[`k${keyCount}`] as string,
    }));
    if (!count) return { rows, total: plan.after!.total! };
    const counted = Number(count.rows[0].total);
    // The plain list's total is the counter rows', exact at any size; only a search's count has the bound.
    const bounded = plan.filter !== null && counted > EXACT_COUNT_LIMIT;
    return { rows, total: bounded ? await this.estimate(plan, statements.count!.values) : counted };
  }

  /** The total alone, as page 1 of the plan would count it: exact up to EXACT_COUNT_LIMIT, then the estimate. */
  async count(plan: SearchPlan): Promise<number> {
    const { count } = pageStatements(plan);
    if (!count) throw new Error('a count needs a plan without a cursor');
    const counted = Number((await this.pool.query(count)).rows[0].total);
    return plan.filter !== null && counted > EXACT_COUNT_LIMIT ? this.estimate(plan, count.values) : counted;
  }

  /**
   * The walk's page when it filled one or read the field to its end (a small workspace's field is read whole); else
   * the page from the filter's index (the walk found too few to tell).
   */
  private async readPage(plan: SearchPlan, statements: ReturnType<typeof pageStatements>): Promise<Record<string, unknown>[]> {
    if (statements.walk) {
      const walked = (await this.pool.query(statements.walk)).rows;
      const hits = walked.filter((row) => row.hit);
      if (hits.length > plan.perPage || !walked.some((row) => row.marker)) return hits.slice(0, plan.perPage + 1);
    }
    return (await this.pool.query(statements.page)).rows;
  }

  /**
   * More matches than the exact bound: the planner's estimate of them (planned, not run), held between the bound
   * and the workspace's listed contacts, so it is never less than what was counted nor more than could match.
   */
  private async estimate(plan: SearchPlan, values: unknown[]): Promise<number> {
    const [explained, listed] = await Promise.all([
      this.pool.query({ text: `EXPLAIN (FORMAT JSON) ${matchesOf(plan, filteredWhere(plan))}`, values }),
      this.pool.query({ text: COUNTER_TOTAL, values: values.slice(0, 1) }),
    ]);
    const estimated = Math.round(Number(explained.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']));
    return Math.max(Math.min(estimated, Number(listed.rows[0].total)), EXACT_COUNT_LIMIT + 1);
  }
}
