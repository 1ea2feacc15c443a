import { randomUUID } from 'node:crypto';
import { DEFAULT_VERSION } from '@app/intercom';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ContactListRepository, ORDERED_COUNT_VALUES, ROW_INDEXES_MIN_CONTACTS, WALK_LIMIT, pageStatements } from './contact-list.repository.js';
import { planSearch } from './search-plan.js';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
});
afterAll(() => pool.end());

// 20 contacts whose email holds `e.rox`, and 380 whose email holds its words `e` and `rox` apart.
const INSERT = `
  INSERT INTO contacts (workspace_id, id, version, state)
  SELECT $1, 'c' || n, 1, jsonb_build_object('id', 'c' || n, 'role', CASE WHEN n % 4 = 0 THEN 'lead' ELSE 'user' END,
         'email', CASE WHEN n <= 20 THEN 'joe.rox' || n || '@mail.io' ELSE 'e' || n || '.x@rox.io' END,
         'created_at', n, 'updated_at', n, 'archived', false, 'custom_attributes', jsonb_build_object('plan', 'free'),
         'tag_ids', '[]'::jsonb, 'company_ids', '[]'::jsonb)
    FROM generate_series(1, 400) n`;

type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Actual Rows'?: number; Plans?: PlanNode[] };
const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

async function explained(client: pg.PoolClient, statement: { text: string; values: unknown[] }): Promise<PlanNode[]> {
  const { rows } = await client.query({ text: `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, values: statement.values });
  return nodes(rows[0]['QUERY PLAN'][0].Plan);
}

/** The statements of page 1 of a search, as the repository builds them. */
function statementsOf(workspaceId: string, query: unknown, segments = new Map()) {
  return pageStatements(planSearch({ workspaceId, query, perPage: 50, context: { attributes: new Map(), version: DEFAULT_VERSION, segments } }));
}

/** Runs `check` in a transaction over the 400 contacts that rolls back, with plans that must read an index. */
async function withContacts(check: (client: pg.PoolClient, workspaceId: string) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  const workspaceId = `w-${randomUUID()}`;
  try {
    await client.query('BEGIN');
    await client.query(INSERT, [workspaceId]);
    await client.query('ANALYZE contact_search_values');
    await client.query('SET LOCAL enable_seqscan = off');
    await check(client, workspaceId);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('the indexes of contact_search_values', () => {
  it('select the rows of a pattern across punctuation by its trigrams: no more candidates than matches', async () => {
    await withContacts(async (client, workspaceId) => {
      const { count, page } = statementsOf(workspaceId, { field: 'email', operator: '~', value: 'E.ROX' });
      expect(Number((await client.query(count!)).rows[0].total)).toBe(20);
      expect((await client.query(page)).rows.map((row) => row.k1)).toEqual(Array.from({ length: 20 }, (_, i) => `c${i + 1}`));
      // The count selects its rows by the mapped value, which the field's trigram index holds. On 400 rows the planner
      // reads the workspace's emails from a btree instead, so the index is read alone here: every workspace's emails.
      expect(count!.text).toContain('contact_search_trigram_text(v.text_value) LIKE contact_search_trigram_text($2::text)');
      const mapped = { text: `SELECT 1 FROM contact_search_values v WHERE v.field = 'email' AND contact_search_trigram_text(v.text_value) LIKE contact_search_trigram_text($1)`, values: ['%e.rox%'] };
      const scan = (await explained(client, mapped)).find((node) => node['Node Type'] === 'Bitmap Index Scan');
      expect(scan?.['Index Name']).toBe('contact_search_values_email_trgm_idx');
      // Unmapped, pg_trgm read `e.rox` as the words `e` and `rox`: all 400 emails were candidates.
      expect(scan?.['Actual Rows']).toBe(20);
    });
  });

  it("count a segment's members from its query's index alone: each row carries its contact's role", async () => {
    await withContacts(async (client, workspaceId) => {
      const segments = new Map([
        ['s1', { id: 's1', personType: 'lead', query: { field: 'email_domain', operator: '=', value: 'rox.io' }, version: DEFAULT_VERSION }],
        ['s2', { id: 's2', personType: 'lead', query: { field: 'email', operator: '$', value: '@rox.io' }, version: DEFAULT_VERSION }],
      ]);
      const { count } = statementsOf(workspaceId, { field: 'segment_id', operator: '=', value: 's1' }, segments);
      // Contacts 21 to 400 are at rox.io; every fourth is a lead.
      expect(Number((await client.query(count!)).rows[0].total)).toBe(95);
      const scans = (await explained(client, count!)).filter((node) => node['Index Name']?.startsWith('contact_search_values'));
      // One read of the value's index entries (index only, or a bitmap on a table this small), no probe per row.
      expect(scans.map((node) => node['Index Name'])).toEqual(['contact_search_values_text_idx']);
      const pattern = statementsOf(workspaceId, { field: 'segment_id', operator: '=', value: 's2' }, segments);
      expect(Number((await client.query(pattern.count!)).rows[0].total)).toBe(95);
    });
  });

  it('walks on once from the marker when the first walk found half a page, and reads no page from the index', async () => {
    // WALK_LIMIT * 2 + 500 contacts, one in 333 of them with `hit` in its email: 30 in the first walk, the 51st
    // match in the second.
    await withLargeWorkspace(333, async (page, total) => {
      const { rows, total: counted, sent } = await page('hit');
      expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 51 }, (_, i) => `c${333 * (i + 1)}`));
      expect(counted).toBe(Math.floor(total / 333));
      const pages = sent.filter((text) => text.includes('JOIN contacts c'));
      expect(pages).toHaveLength(2);
      expect(pages.every((text) => text.includes('row_number()'))).toBe(true);
    });
  }, 60_000);

  it("counts page 1 read from a pattern's trigrams in that page's own statement: no count after it", async () => {
    // One in 390 of WALK_LIMIT * 2 + 500 contacts: 25 in the first walk (under half a page: no second walk), 52 in
    // all, so page 1 is full and its total_count is not its rows.
    await withLargeWorkspace(390, async (page, total) => {
      const { rows, total: counted, sent } = await page('hit');
      expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 51 }, (_, i) => `c${390 * (i + 1)}`));
      expect(counted).toBe(Math.floor(total / 390));
      expect(sent).toHaveLength(2);
      expect(sent[0]).toContain('row_number()');
      expect(sent[1]).toContain('count(*) OVER () AS matched');
    });
  }, 60_000);

  it('answers the exact count of such a page beyond the exact bound: it read every match to sort them', async () => {
    // The last 1,100 of WALK_LIMIT * 2 + 500 contacts have `hit` in their email: the walk finds none of them.
    const late = 1100;
    await withLargeWorkspace(
      WALK_LIMIT * 3,
      async (page, total) => {
        const { rows, total: counted, sent } = await page('hit');
        expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 51 }, (_, i) => `c${total - late + 1 + i}`));
        expect(counted).toBe(late);
        expect(sent).toHaveLength(2);
      },
      late,
    );
  }, 60_000);

  it('reads a narrow range from its index at once, when its exact count says a walk would find too few', async () => {
    // One in 1,000 of WALK_LIMIT * 2 + 500 contacts: a walk would find 10. The first page walks, and its marker
    // tells the repository that the workspace is larger than a walk; the next counts first.
    await withLargeWorkspace(1000, async (page) => {
      const walked = await page(SCORED);
      expect(walked.sent.filter((text) => text.includes('row_number()'))).toHaveLength(1);
      const { rows, total, sent } = await page(SCORED);
      expect([rows, total]).toEqual([walked.rows, walked.total]);
      expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 20 }, (_, i) => `c${1000 * (i + 1)}`));
      expect(total).toBe(20);
      const pages = sent.filter((text) => text.includes('JOIN contacts c'));
      expect(pages).toHaveLength(1);
      expect(pages[0]).not.toContain('row_number()');
    });
  }, 60_000);

  it('counts a pattern the walk found common in list order, and estimates it beyond the exact count from the walk', async () => {
    // One in 10: 2,050 matches, beyond the exact count; the walk fills its page within 510 values.
    await withLargeWorkspace(10, async (page, total, count) => {
      const first = await page('hit');
      // The walk's 51 hits in 510 values, of 20,500 listed contacts; nothing planned (the planner's default was 1,001
      // here, held to the bound: it keeps no statistics of the partial trigram index's expression).
      expect(first.total).toBe(total / 10);
      expect(first.sent.filter((text) => text.startsWith('EXPLAIN'))).toHaveLength(0);
      // A segment's count of the same pattern (the count alone) walks first too: the same estimate.
      expect(await count('hit')).toBe(first.total);
      // Now the workspace's size is known: the walk, then the ordered count, which reads it.
      const again = await page('hit');
      expect([again.rows, again.total]).toEqual([first.rows, first.total]);
      expect(again.sent).toHaveLength(2);
      expect(again.sent[0]).toContain('row_number()');
      expect(again.sent[1]).toMatch(/^SELECT count\(\*\)::int AS total, \(SELECT coalesce\(sum\(visible\)/);
      expect(again.sent[1]).toContain(`LIMIT ${ORDERED_COUNT_VALUES}`);
    });
  }, 60_000);

  it('holds the estimate of a pattern whose matches gather late in the list to the exact bound, never below it', async () => {
    // One in 100 and the last 2,000 contacts: 2,185 matches. The walk fills its page in 5,100 values (51 hits, a
    // share of 1 in 100), so the estimate is that share of the 20,500 listed contacts, 205, held to 1,001.
    await withLargeWorkspace(100, async (page) => {
      const { total, sent } = await page('hit');
      expect(total).toBe(1001);
      expect(sent.filter((text) => text.startsWith('EXPLAIN'))).toHaveLength(0);
    }, 2000);
  }, 60_000);

  it('counts a common pattern in list order exactly when it reads the whole field, and never from its trigrams', async () => {
    // One in 25: 820 matches among 20,500 contacts, all of them read by the ordered count.
    await withLargeWorkspace(25, async (page, total) => {
      const { total: counted, sent } = await page('hit');
      expect(counted).toBe(Math.floor(total / 25));
      const counts = sent.filter((text) => text.startsWith('SELECT count(*)'));
      expect(counts).toHaveLength(1);
      expect(counts[0]).toContain(`LIMIT ${ORDERED_COUNT_VALUES}`);
    });
  }, 60_000);
});

/** The range of the contacts that have `hit` in their email: a score of 0 (n % every). */
const SCORED = { field: 'custom_attributes.score', operator: '<', value: 1 };

/**
 * A workspace of WALK_LIMIT * 2 + 500 contacts (committed: the repository reads on its own connections), one in
 * `every` with `hit` in its email and a score of 0 (and the last `lastHits` with `hit` too), and pages of an email pattern (or another query) in it, through one repository, each with the
 * statements it sent.
 */
async function withLargeWorkspace(
  every: number,
  run: (
    page: (query: string | object) => Promise<Awaited<ReturnType<ContactListRepository['page']>> & { sent: string[] }>,
    total: number,
    count: (query: string) => Promise<number>,
  ) => Promise<void>,
  lastHits = 0,
) {
  const workspaceId = `w-${randomUUID()}`;
  const total = WALK_LIMIT * 2 + 500;
  await pool.query(
    `INSERT INTO contacts (workspace_id, id, version, state)
     SELECT $1, 'c' || n, 1, jsonb_build_object('id', 'c' || n, 'role', 'user',
            'email', CASE WHEN n % $3 = 0 OR n > $2 - $4 THEN 'hit' ELSE 'x' END || n || '@a.io', 'created_at', n, 'updated_at', n,
            'archived', false, 'custom_attributes', jsonb_build_object('score', n % $3), 'tag_ids', '[]'::jsonb, 'company_ids', '[]'::jsonb)
       FROM generate_series(1, $2::int) n`,
    [workspaceId, total, every, lastHits],
  );
  await pool.query('INSERT INTO contact_counts (workspace_id, slot, visible) VALUES ($1, 0, $2)', [workspaceId, total]);
  const query = pool.query.bind(pool);
  try {
    let sent: string[] = [];
    const counting = Object.assign(Object.create(pool), { query: (statement: { text: string }) => (sent.push(statement.text), query(statement as never)) });
    const repository = new ContactListRepository(counting);
    const planOf = (query: string | object) => {
      const filter = typeof query === 'string' ? { field: 'email', operator: '~', value: query } : query;
      return planSearch({ workspaceId, query: filter, perPage: 50, context: { attributes: new Map([['score', 'integer']]), version: DEFAULT_VERSION } });
    };
    const page = async (query: string | object) => {
      sent = [];
      return { ...(await repository.page(planOf(query))), sent };
    };
    await run(page, total, (query) => repository.count(planOf(query)));
  } finally {
    await pool.query('DELETE FROM contacts WHERE workspace_id = $1', [workspaceId]);
    await pool.query('DELETE FROM contact_counts WHERE workspace_id = $1', [workspaceId]);
  }
}

describe("the contact row's indexes, for a filter on several fields", () => {
  it('serve a large workspace: the planner combines their bitmaps, and the answer is the same as from the side table', async () => {
    await withContacts(async (client, workspaceId) => {
      await client.query('ANALYZE contacts');
      const query = { operator: 'AND', value: [{ field: 'email', operator: '~', value: 'E.ROX' }, { field: 'updated_at', operator: '<', value: 10 * 86_400 }] };
      const plan = (rowIndexes: boolean) => planSearch({ workspaceId, query, perPage: 50, context: { attributes: new Map(), version: DEFAULT_VERSION }, rowIndexes });
      const [onRow, onSide] = [pageStatements(plan(true)), pageStatements(plan(false))];
      // 400 contacts read fastest by the workspace's own list index: the same leaves ORed, over every workspace and
      // no sequential scan, show that the row's indexes hold what the compiler writes (a BitmapOr of both).
      const either = planSearch({ workspaceId, query: { ...query, operator: 'OR' }, perPage: 50, context: { attributes: new Map(), version: DEFAULT_VERSION }, rowIndexes: true });
      const alone = { text: `SELECT 1 FROM contacts c WHERE $1::text IS NOT NULL AND ${either.filter}`, values: either.params.values.slice(0, either.filterValueCount) };
      expect((await explained(client, alone)).map((node) => node['Index Name'])).toEqual(expect.arrayContaining(['contacts_row_email_trgm_idx', 'contacts_row_updated_at_idx']));
      expect(onSide.page.text).not.toContain('c.email_lower');
      const ids = async (statement: typeof onRow.page) => (await client.query(statement)).rows.map((row) => row.k1);
      expect(await ids(onRow.page)).toEqual(Array.from({ length: 20 }, (_, i) => `c${i + 1}`));
      expect(await ids(onSide.page)).toEqual(await ids(onRow.page));
    });
  });

  it('serve a workspace from ROW_INDEXES_MIN_CONTACTS listed contacts, once a count has learnt its size', async () => {
    const [small, large] = [`w-${randomUUID()}`, `w-${randomUUID()}`];
    await pool.query('INSERT INTO contact_counts (workspace_id, slot, visible) VALUES ($1, 0, $3 - 1), ($2, 0, $3 - 1), ($2, 1, 1)', [small, large, ROW_INDEXES_MIN_CONTACTS]);
    try {
      const repository = new ContactListRepository(pool);
      expect(repository.rowIndexesServe(large)).toBe(false);
      const counted = (workspaceId: string) =>
        repository.count(planSearch({ workspaceId, query: { field: 'email', operator: '=', value: 'x@y.io' }, perPage: 1, context: { attributes: new Map(), version: DEFAULT_VERSION } }));
      await counted(small);
      await counted(large);
      expect([repository.rowIndexesServe(small), repository.rowIndexesServe(large)]).toEqual([false, true]);
    } finally {
      await pool.query('DELETE FROM contact_counts WHERE workspace_id = ANY($1)', [[small, large]]);
    }
  });
});
