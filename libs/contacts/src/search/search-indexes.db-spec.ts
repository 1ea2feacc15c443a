import { randomUUID } from 'node:crypto';
import { DEFAULT_VERSION } from '@app/intercom';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pageStatements } from './contact-list.repository.js';
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

  it('probe a segment row for its role from the role index alone', async () => {
    await withContacts(async (client, workspaceId) => {
      const segment = { id: 's1', personType: 'lead', query: { field: 'email', operator: '$', value: '@rox.io' }, version: DEFAULT_VERSION };
      const { count } = statementsOf(workspaceId, { field: 'segment_id', operator: '=', value: 's1' }, new Map([['s1', segment]]));
      expect(Number((await client.query(count!)).rows[0].total)).toBe(95);
      const probe = (await explained(client, count!)).find((node) => node['Index Name'] === 'contact_search_values_role_idx');
      expect(probe?.['Node Type']).toBe('Index Only Scan');
    });
  });
});
