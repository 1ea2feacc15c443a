import { Inject, Injectable } from '@nestjs/common';
import { SEARCH_POOL } from '@app/event-store';
import { ByteBudgetCache, LIMITS } from '@app/intercom';
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

/** A bounded count and the listed contacts it was taken among. */
interface Counted {
  counted: number;
  listed: number;
}

/**
 * The keyset page (perPage + 1 rows, to see whether another follows) and the total count of one plan.
 * The count binds only the workspace and the filter's values, which the plan binds first. The plain list
 * (no filter) sums the workspace's counter rows, which the projection keeps (store/read-model.projection.ts);
 * each of its pages reads that sum in the page's own statement (`totalInPage`). A search counts at most
 * EXACT_COUNT_LIMIT + 1 matches, so its cost has a bound whatever the workspace's size.
 */
export function pageStatements(plan: SearchPlan): PageStatements {
  const where = filteredWhere(plan);
  const count = countStatement(plan, where);
  const fieldCount = count && plan.stored && !plan.stored.equality ? fieldCountStatement(plan, plan.stored) : null;
  const totalInPage = count !== null && !plan.filter;
  if (!plan.stored || plan.sort !== DEFAULT_SORT) return { walk: null, page: contactsPage(plan, where, totalInPage), count, fieldCount, orderedCount: null, totalInPage };
  const walk = plan.stored.equality ? null : walkStatement(plan, plan.stored, plan.after, WALK_LIMIT);
  const orderedCount = walk && count && plan.stored.selects ? orderedCountStatement(plan, plan.stored) : null;
  return { walk, page: storedPage(plan, plan.stored), count, fieldCount, orderedCount, totalInPage };
}

interface PageStatements {
  /** The walk of the field's values in list order (a range, list or pattern on one field). */
  walk: Statement | null;
  page: Statement;
  /** The bounded count; null when the cursor carries the total. */
  count: Statement | null;
  /** The count of a range, list or pattern on one field by reading the field whole: for a workspace the walk covers. */
  fieldCount: Statement | null;
  /** The bounded count of a pattern by reading its field in list order: for one the walk found to be common. */
  orderedCount: Statement | null;
  /** Every row of the page carries the plain list's total (column `total`): a page of the list sends no count. */
  totalInPage: boolean;
}

/** The contacts a plan may answer: the workspace's listed ones that meet its filter. */
const filteredWhere = (plan: SearchPlan) => ['c.workspace_id = $1', VISIBLE, ...(plan.filter ? [plan.filter] : [])].join(' AND ');

/** The field's values the walk reads at most before the page falls back to the filter's own index. */
export const WALK_LIMIT = 10_000;

/**
 * The page read from contacts: the list index in the default order, any filter as a condition on each row. With
 * `withTotal`, each row also carries the workspace's counter sum, read once (an uncorrelated subquery) in the page's
 * snapshot.
 */
function contactsPage(plan: SearchPlan, where: string, withTotal: boolean): Statement {
  const keys = [...plan.sort.keys.map((key) => key.sql), 'c.id'];
  const direction = plan.sort.direction === 'asc' ? 'ASC' : 'DESC';
  const conditions = [where];
  if (plan.after) {
    const bound = [...plan.after.keys.map((value, i) => plan.params.bind(value, plan.sort.keys[i].type)), plan.params.bind(plan.after.id, 'text')];
    conditions.push(`(${keys.join(', ')}) ${direction === 'ASC' ? '>' : '<'} (${bound.join(', ')})`);
  }
  const total = withTotal ? `, (${COUNTER_TOTAL}) AS total` : '';
  const text = `
    SELECT c.state, c.version, ${keys.map((key, i) => `${key} AS k${i}`).join(', ')}${total}
      FROM contacts c
     WHERE ${conditions.join(' AND ')}
     ORDER BY ${keys.map((key) => `${key} ${direction}`).join(', ')}
     LIMIT ${plan.params.bind(plan.perPage + 1, 'int')}`;
  return { text, values: plan.params.values };
}

/**
 * The page of a filter on one stored field, in the default order (created_at, id): the first matching rows of
 * contact_search_values after the cursor, then their contacts by primary key (the side table holds listed contacts
 * only, so every row has its contact). The plain page lets the planner pick the filter's index; the walk
 * (walkStatement) reads the field's values in the list's order and keeps the matches. The planner cannot tell which
 * is cheaper (its statistics of a value mix every field), so the walk is tried first and the plain page follows when
 * it did not fill. That page of a range, list or pattern then reads the filter's own index and sorts its matches
 * (top-N): its order is written `v.created_at + 0` so that the planner cannot read the order index instead. Reading
 * every match, page 1 counts them in passing (`matched`, a window over the matches, which cost nothing measurable:
 * `email ~ 'ler8'` at 1M, 2,272 matches, 12.5 ms with it, 14.1 without), and that is its exact total_count. After a
 * walk that did not fill, the matches are either few or gathered late in the list (a range correlated with creation),
 * and reading the order index meant most of the field either way: at 1M contacts a range matching nothing took 321 ms
 * that way, `updated_at` in the last 3 days (41,870 matches) 320-460 ms; sorted, 25-40 ms and 23-44 ms.
 */
function storedPage(plan: SearchPlan, { scope, cond, equality }: StoredMatch): Statement {
  const params = new SqlParams();
  params.values.push(...plan.params.values.slice(0, plan.filterValueCount));
  const after = plan.after ? ` AND ${afterPosition(params, plan.after)}` : '';
  const matched = !equality && !plan.after;
  const matches = `SELECT v.created_at, v.contact_id, true AS hit, false AS marker, NULL::bigint AS n${matched ? ', count(*) OVER () AS matched' : ''} FROM contact_search_values v
        WHERE ${scope} AND ${cond}${after} ORDER BY ${equality ? 'v.created_at' : 'v.created_at + 0'}, v.contact_id LIMIT ${params.bind(plan.perPage + 1, 'int')}`;
  return { text: withContacts(matches, matched), values: params.values };
}

/** Where a page resumes in contact_search_values: after the list position (created_at, id) of the row before. */
const afterPosition = (params: SqlParams, from: { keys: unknown[]; id: string }) =>
  `(v.created_at, v.contact_id) > (${params.bind(from.keys[0], 'bigint')}, ${params.bind(from.id, 'text')})`;

const withContacts = (matches: string, matched = false) => `
    SELECT c.state, c.version, m.created_at AS k0, m.contact_id AS k1, m.hit, m.marker, m.n${matched ? ', m.matched' : ''}
      FROM (${matches}) m
      JOIN contacts c ON c.workspace_id = $1 AND c.id = m.contact_id
     ORDER BY m.created_at, m.contact_id`;

/**
 * The walk: `limit` of the field's values after `from` in the list's order (the order index holds them all, so no
 * heap), keeping the matches, at most a page of them. It reads one value more than `limit`, whose row comes along as
 * a marker (hit or not): without it the walk read the field to its end, and its matches are the whole answer. A
 * range, list or pattern that matches one contact in 200 or more fills a page within WALK_LIMIT values. The row
 * number's frame is ROWS: the default (RANGE) compares each row's keys with the row before to find its peers, which
 * the numbering never needs, and cost a sixth of the walk (4.4 against 3.7 ms for 10,000 values at 1M contacts).
 */
export function walkStatement(plan: SearchPlan, { scope, cond }: StoredMatch, from: { keys: unknown[]; id: string } | null, limit: number): Statement {
  const params = new SqlParams();
  params.values.push(...plan.params.values.slice(0, plan.filterValueCount));
  const after = from ? ` AND ${afterPosition(params, from)}` : '';
  const matches = `SELECT w.created_at, w.contact_id, w.hit IS TRUE AS hit, w.n > ${limit} AS marker, w.n
         FROM (SELECT v.created_at, v.contact_id, (${cond}) AS hit, row_number() OVER (ORDER BY v.created_at, v.contact_id ROWS UNBOUNDED PRECEDING) AS n
                 FROM contact_search_values v
                WHERE ${scope}${after} ORDER BY v.created_at, v.contact_id LIMIT ${limit + 1}) w
        WHERE w.hit OR w.n > ${limit} LIMIT ${params.bind(plan.perPage + 1, 'int')} + 1`;
  return { text: withContacts(matches), values: params.values };
}

/** The matches a search counts exactly; beyond, its total_count is an estimate (README: Search at any size). */
export const EXACT_COUNT_LIMIT = LIMITS.searchExactCount;

const COUNTER_TOTAL = 'SELECT coalesce(sum(visible), 0)::bigint AS total FROM contact_counts WHERE workspace_id = $1';

/** What the estimate beyond the exact count plans: a pattern by its mapped form alone, anything else as its matches. */
function plannedForEstimate(plan: SearchPlan): string {
  const stored = plan.stored;
  if (stored?.selects) return `SELECT 1 FROM contact_search_values v WHERE ${stored.scope} AND ${stored.selects}`;
  return matchesOf(plan, filteredWhere(plan));
}

/** The matches of a search, unbounded: only ever planned (EXPLAIN), never run. */
const matchesOf = (plan: SearchPlan, where: string) =>
  plan.stored ? `SELECT 1 FROM contact_search_values v WHERE ${plan.stored.scope} AND ${plan.stored.cond}` : `SELECT 1 FROM contacts c WHERE ${where}`;

/**
 * A workspace of at most WALK_LIMIT listed contacts has at most that many values of a field: their matches, counted
 * from the order index alone, are exact. An index of the filter's own (a field's trigrams) holds every workspace's
 * values, and would make a small workspace's count pay for the largest's.
 */
function fieldCountStatement(plan: SearchPlan, { scope, cond }: StoredMatch): Statement {
  const text = `SELECT count(*) FILTER (WHERE w.hit)::int AS total
                  FROM (SELECT (${cond}) IS TRUE AS hit FROM contact_search_values v WHERE ${scope} LIMIT ${WALK_LIMIT}) w`;
  return { text, values: plan.params.values.slice(0, plan.filterValueCount) };
}

/**
 * The values of its field an ordered count reads at most; past them without 1,001 matches, the count is the filter's
 * own (its trigram index).
 */
export const ORDERED_COUNT_VALUES = 200_000;
/** The values an ordered count is expected to read at most, from the share of matches the walk found: about 12 ms. */
export const ORDERED_COUNT_EXPECTED = 60_000;

/**
 * A pattern's total_count beyond the exact count: the share of matches among the values its walk read in the list's
 * order to fill the page (`hits` in `reach`), times the listed contacts, held between EXACT_COUNT_LIMIT + 1 and the
 * listed contacts. The planner cannot estimate a pattern: its trigram indexes are partial (one field each), and
 * PostgreSQL keeps no statistics of a partial index's expression, so every fragment of one length got one default
 * (1,678 at 1M contacts for fragments with 1,105 to 38,715 matches: 6.3 times off in geometric mean over 59). The
 * walk's share is off as far as the matches gather in one part of the list, and by chance (51 hits: about 14%).
 */
export function patternEstimate(hits: number, reach: number, listed: number): number {
  return Math.max(Math.min(Math.round((listed * hits) / reach), listed), EXACT_COUNT_LIMIT + 1);
}

/**
 * A pattern's bounded count by reading its field in list order from the order index (index only, about 0.2 us a
 * value at 1M contacts), stopping at the 1,001st match. The count from the trigram index reads the heap row of every
 * candidate it keeps (about 20 us each), up to 1,001 of them, after building the bitmap of every workspace's
 * candidates: 14 to 140 ms at 1M contacts for a fragment in one email of 40, where this one takes 3 to 12 ms. It
 * is the cheaper one only for a common pattern, which the walk tells (StoredMatch.selects marks a pattern).
 */
function orderedCountStatement(plan: SearchPlan, { scope, cond }: StoredMatch): Statement {
  const text = `SELECT count(*)::int AS total, (${COUNTER_TOTAL}) AS listed
                  FROM (SELECT 1 FROM (SELECT (${cond}) IS TRUE AS hit FROM contact_search_values v WHERE ${scope}
                                        ORDER BY v.created_at, v.contact_id LIMIT ${ORDERED_COUNT_VALUES}) w
                         WHERE w.hit LIMIT ${EXACT_COUNT_LIMIT + 1}) matches`;
  return { text, values: plan.params.values.slice(0, plan.filterValueCount) };
}

function countStatement(plan: SearchPlan, where: string): Statement | null {
  // A later page of a search answers the total its cursor carries from page 1: no count at all.
  if (plan.after?.total !== undefined) return null;
  const values = plan.params.values.slice(0, plan.filterValueCount);
  if (!plan.filter) return { text: COUNTER_TOTAL, values };
  // On one stored field the matches are index entries of contact_search_values, which holds listed contacts only. The
  // workspace's listed contacts come along (its counter rows, a few index entries): what an estimate is held to.
  return { text: `SELECT count(*)::int AS total, (${COUNTER_TOTAL}) AS listed FROM (${matchesOf(plan, where)} LIMIT ${EXACT_COUNT_LIMIT + 1}) matches`, values };
}

/**
 * How long the planner's estimate of a search is kept: it moves only when ANALYZE refreshes the table's statistics
 * (autovacuum does after a tenth of the rows change), never with each write, so planning it again on every page 1
 * (parse and plan, about 0.5 ms of the server) told nothing new. What was counted and the listed contacts it is held
 * to are read fresh every time.
 */
export const ESTIMATE_KEPT_MS = 60_000;
/** What the kept estimates may hold: about 5,000 searches. */
export const ESTIMATES_BYTES = 256 * 1024;

/** The listed contacts from which a workspace's filters on several fields read the contact row's indexes. */
export const ROW_INDEXES_MIN_CONTACTS = 100_000;

/** What the workspace sizes may hold: about 12,000 workspaces of 36-character ids. */
export const SIZES_BYTES = 1024 * 1024;

/**
 * The listed contacts of the workspaces this process counted last, as it counted them: a hint of which page to try
 * first (countFirst), never an answer, so a stale one costs time, not correctness. The oldest goes first when full.
 */
export class WorkspaceSizes {
  private readonly sizes = new ByteBudgetCache<number>(SIZES_BYTES, () => 16);

  get(workspaceId: string): number | undefined {
    return this.sizes.get(workspaceId);
  }

  largerThanWalk(workspaceId: string): boolean {
    return (this.sizes.get(workspaceId) ?? 0) > WALK_LIMIT;
  }

  learn(workspaceId: string, listed: number): number {
    this.sizes.set(workspaceId, listed);
    return listed;
  }

  /** A walk met its marker: the workspace lists more contacts than a walk reads, whatever else is known of it. */
  walkedPast(workspaceId: string): void {
    if (!this.largerThanWalk(workspaceId)) this.learn(workspaceId, WALK_LIMIT + 1);
  }
}

/** The workspace of a plan: its first parameter. */
const workspaceOf = (plan: SearchPlan) => plan.params.values[0] as string;

/** Reads pages of the contacts read model: a keyset page and, when it is not carried over and the page cannot tell, the total. */
@Injectable()
export class ContactListRepository {
  private readonly sizes = new WorkspaceSizes();
  /** The planner's estimates beyond the exact count, by the search they estimate (its countKey). */
  private readonly estimates = new ByteBudgetCache<{ rows: number; at: number }>(ESTIMATES_BYTES, () => 32);

  constructor(@Inject(SEARCH_POOL) private readonly pool: pg.Pool) {}

  /**
   * Whether a filter on several fields in this workspace reads the contact row's indexes (search-compiler.ts,
   * rowCondition): its listed contacts as this process last counted them (any search's count learns them; unknown,
   * it does not, so a page 1 that holds every match stays one statement). Those indexes hold every workspace's values, so a small workspace would pay for
   * the largest: at 10,000 contacts beside 1,000,000, `plan = "pro" AND (email ~ OR phone ^) AND last_seen_at >`
   * took 22 to 65 ms a page on them and 11 to 56 ms on its own rows of contact_search_values.
   */
  rowIndexesServe(workspaceId: string): boolean {
    return (this.sizes.get(workspaceId) ?? 0) >= ROW_INDEXES_MIN_CONTACTS;
  }

  /**
   * A filter (a long pattern, a negative operator) can make either query slow: both run on the search pool, whose
   * sessions have the search's shorter statement timeout and which holds at most half the connections writers use.
   */
  async page(plan: SearchPlan): Promise<ContactRows> {
    const statements = pageStatements(plan);
    const first = await this.countFirst(plan, statements);
    const narrow = first !== null && first.counted <= EXACT_COUNT_LIMIT && first.counted * WALK_LIMIT * 2 < (plan.perPage + 1) * first.listed;
    const { rows: page, reach } = narrow ? { rows: (await this.pool.query(statements.page)).rows, reach: null } : await this.readPage(plan, statements);
    const keyCount = plan.sort.keys.length;
    const rows = page.map((row) => ({
      item: { state: row.state as ContactView['state'], version: row.version as number },
      keys: plan.sort.keys.map((_, i) => row[`k${i}`]),
      id: row[`k${keyCount}`] as string,
    }));
    const total = first ? await this.bounded(plan, statements.count!, first) : await this.pageTotal(plan, statements, page, reach);
    return { rows, total };
  }

  /**
   * Page 1 of a range, list or pattern in a workspace larger than a walk counts before it reads. When the exact count
   * says the walk of WALK_LIMIT values would find fewer than half a page, as many as the matches are spread over the
   * list (`email ~` of a fragment in one email of 1,000 at 1M contacts: 10 hits, for 4 to 20 ms), the page comes from
   * the filter's index at once, over the matches the count has just read; otherwise the walk goes first as before,
   * the count already done. Null when the walk goes first uncounted: a later page, an equality, a pattern (whose walk
   * tells a common one, then counted in list order, from a rare one, counted from its trigrams), a workspace the walk
   * covers or whose size this process has not counted yet (a small workspace's page 1 stays one statement).
   */
  private async countFirst(plan: SearchPlan, { walk, count, fieldCount, orderedCount }: PageStatements): Promise<Counted | null> {
    if (!walk || !count || !fieldCount || orderedCount || !this.sizes.largerThanWalk(workspaceOf(plan))) return null;
    const counted = await this.counted(plan, count);
    return counted.listed > WALK_LIMIT ? counted : null;
  }

  /**
   * The total_count of a page: a later page's is its cursor's (a cursor without one counts again). Page 1 with room
   * to spare (no next page) holds every match, so its rows are the exact count, as an SDK's find-by-email gets it:
   * one round trip, and no count sent. A page 1 read from the filter's own index counted every match (exact, even
   * beyond EXACT_COUNT_LIMIT: it read them all to sort them). Otherwise the plain list's is in its rows (an empty
   * later page has none, and counts), and a search counts, once the page has shown it must.
   */
  private async pageTotal(plan: SearchPlan, statements: PageStatements, page: Record<string, unknown>[], reach: number | null): Promise<number> {
    if (!statements.count) return plan.after!.total!;
    if (!plan.after && page.length <= plan.perPage) return page.length;
    // Page 1 from a range, list or pattern's own index read every match, and counted them (storedPage).
    if (page.length > 0 && page[0].matched != null) return Number(page[0].matched);
    if (statements.totalInPage && page.length > 0) return this.sizes.learn(workspaceOf(plan), Number(page[0].total));
    return (await this.total(plan, statements, reach))!;
  }

  /**
   * Page 1's total_count (null on later pages, whose cursor carries it). `reach` is the values a walk read to fill
   * its page, when it did: with it a common pattern is counted in list order (orderedCountStatement), and estimated
   * beyond the exact count from the share of matches the walk saw (patternEstimate).
   */
  private async total(plan: SearchPlan, { count, fieldCount, orderedCount }: PageStatements, reach: number | null = null): Promise<number | null> {
    if (!count) return null;
    // The plain list's total is the counter rows', exact at any size; only a search's count has the bound.
    if (!plan.filter) return Number((await this.pool.query(count)).rows[0].total);
    // A field read whole when the workspace is no larger than a walk; a workspace known to be larger counts at once.
    if (fieldCount && !this.sizes.largerThanWalk(workspaceOf(plan)) && (await this.listed(plan)) <= WALK_LIMIT) {
      return Number((await this.pool.query(fieldCount)).rows[0].total);
    }
    if (orderedCount && reach !== null && (reach * (EXACT_COUNT_LIMIT + 1)) / (plan.perPage + 1) <= ORDERED_COUNT_EXPECTED) {
      const ordered = await this.counted(plan, orderedCount);
      // Under 1,001 matches it is exact only when it read the whole field (at most one value per listed contact).
      if (ordered.counted > EXACT_COUNT_LIMIT || ordered.listed <= ORDERED_COUNT_VALUES) return this.bounded(plan, count, ordered, reach);
    }
    const counted = await this.counted(plan, count);
    // A hint gone stale (the workspace has shrunk to a walk's size since): the field read whole is exact.
    if (fieldCount && counted.listed <= WALK_LIMIT && counted.counted > EXACT_COUNT_LIMIT) return Number((await this.pool.query(fieldCount)).rows[0].total);
    return this.bounded(plan, count, counted, reach);
  }

  /** A search's bounded count, with the workspace's listed contacts it was taken among (learnt for the next page). */
  private async counted(plan: SearchPlan, count: Statement): Promise<Counted> {
    const { total, listed } = (await this.pool.query(count)).rows[0];
    return { counted: Number(total), listed: this.sizes.learn(workspaceOf(plan), Number(listed)) };
  }

  /**
   * A search's total_count from its bounded count: exact up to EXACT_COUNT_LIMIT, else the estimate: a pattern's
   * from the walk that filled its page (patternEstimate), anything else the planner's.
   */
  private bounded(plan: SearchPlan, count: Statement, { counted, listed }: Counted, reach: number | null = null): Promise<number> | number {
    if (counted <= EXACT_COUNT_LIMIT) return counted;
    return plan.stored?.selects && reach !== null ? patternEstimate(plan.perPage + 1, reach, listed) : this.estimate(plan, count.values, listed);
  }

  /** The workspace's listed contacts: the sum of its counter rows. */
  private async listed(plan: SearchPlan): Promise<number> {
    const listed = Number((await this.pool.query({ text: COUNTER_TOTAL, values: plan.params.values.slice(0, 1) })).rows[0].total);
    return this.sizes.learn(workspaceOf(plan), listed);
  }

  /**
   * The total alone, as page 1 of the plan would count it: exact up to EXACT_COUNT_LIMIT, then the estimate. A
   * pattern walks first, as its page 1 does, so that its estimate is the same share of the list (a segment's count
   * and its search's total_count agree); a walk that read the field to its end holds every match.
   */
  async count(plan: SearchPlan): Promise<number> {
    const statements = pageStatements(plan);
    const walked = plan.stored?.selects && statements.walk ? await this.walk(plan, statements.walk) : null;
    if (walked && walked.reach === null) return walked.rows.length;
    const total = await this.total(plan, statements, walked?.reach ?? null);
    if (total === null) throw new Error('a count needs a plan without a cursor');
    return total;
  }

  /**
   * The walk's page when it filled one or read the field to its end (a small workspace's field is read whole); else
   * the page from the filter's index (the walk found too few to tell). A walk that found half a page walks on once,
   * from its marker: the matches it saw say the next WALK_LIMIT values likely fill the page, at about 1.4 us a value,
   * where the page from the index fetches every match from the heap (about 20 us each; `email ~ 'n.torr'` at 1M
   * contacts, 38 hits in the first walk: 3,800 matches, 65 ms).
   */
  private async readPage(plan: SearchPlan, statements: PageStatements): Promise<{ rows: Record<string, unknown>[]; reach: number | null }> {
    const walked = statements.walk ? await this.walk(plan, statements.walk) : null;
    return walked ?? { rows: (await this.pool.query(statements.page)).rows, reach: null };
  }

  /**
   * The walk's page (readPage): with `reach` when its hits fill the page, without when it read the field to its end
   * (its hits are then every match); null when it met its marker before it filled one.
   */
  private async walk(plan: SearchPlan, first: Statement): Promise<{ rows: Record<string, unknown>[]; reach: number | null } | null> {
    let walked = (await this.pool.query(first)).rows;
    let hits = walked.filter((row) => row.hit);
    const marker = walked.find((row) => row.marker);
    if (marker && hits.length * 2 >= plan.perPage + 1 && hits.length <= plan.perPage) {
      const from = { keys: [marker.k0], id: marker.k1 as string };
      walked = (await this.pool.query(walkStatement(plan, plan.stored!, from, WALK_LIMIT))).rows;
      // The second walk numbers its values from 1, after the first walk's WALK_LIMIT + 1.
      hits = [...hits, ...walked.filter((row) => row.hit).map((row) => ({ ...row, n: Number(row.n) + WALK_LIMIT + 1 }))];
    }
    if (hits.length > plan.perPage) return { rows: hits.slice(0, plan.perPage + 1), reach: Number(hits[plan.perPage].n) };
    if (!walked.some((row) => row.marker)) return { rows: hits, reach: null };
    this.sizes.walkedPast(workspaceOf(plan));
    return null;
  }


  /**
   * More matches than the exact bound: the planner's estimate of them (planned, not run), held between the bound
   * and the workspace's listed contacts, so it is never less than what was counted nor more than could match. A
   * pattern is estimated by its mapped form alone (StoredMatch.selects); a segment's rows by its role too, whose
   * share of the values the planner's statistics of the column know. The plan is kept for ESTIMATE_KEPT_MS.
   */
  private async estimate(plan: SearchPlan, values: unknown[], listed: number): Promise<number> {
    const key = plan.countKey!;
    let planned = this.estimates.get(key);
    if (planned === undefined || planned.at + ESTIMATE_KEPT_MS < Date.now()) {
      const explained = await this.pool.query({ text: `EXPLAIN (FORMAT JSON) ${plannedForEstimate(plan)}`, values });
      planned = { rows: Number(explained.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']), at: Date.now() };
      this.estimates.set(key, planned);
    }
    return Math.max(Math.min(planned.rows, listed), EXACT_COUNT_LIMIT + 1);
  }

}
