import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
});
afterAll(() => pool.end());

// contacts rows as the projection writes them, enough for contact_search_values_of and company_ids_of.
const INSERT = `
  INSERT INTO contacts (workspace_id, id, version, state)
  SELECT $1, 'c' || n, 1, jsonb_build_object('id', 'c' || n, 'role', 'user', 'name', 'Name ' || n, 'email', 'c' || n || '@example.com',
         'created_at', n, 'updated_at', n, 'archived', false, 'custom_attributes', jsonb_build_object('plan', 'free'), 'tag_ids', '[]'::jsonb,
         'company_ids', jsonb_build_array('co1'), 'last_seen_at', null)
    FROM generate_series(1, 200) n`;

/** Sequential and index scans of a table in the client's transaction so far. */
async function scans(client: pg.PoolClient, table: string): Promise<{ seq: number; idx: number }> {
  const { rows } = await client.query('SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = $1', [table]);
  return { seq: Number(rows[0].seq_scan), idx: Number(rows[0].idx_scan) };
}

describe('the triggers that keep the tables derived from contacts', () => {
  it("remove an updated or deleted contact's search values by key, never by reading the whole table", async () => {
    const client = await pool.connect();
    const workspaceId = `w-${randomUUID()}`;
    const values = async (id: string) =>
      (await client.query('SELECT field, text_value FROM contact_search_values WHERE workspace_id = $1 AND contact_id = $2 ORDER BY field', [workspaceId, id])).rows;
    try {
      await client.query('BEGIN');
      await client.query(INSERT, [workspaceId]);
      // A planner that prefers to hash a join, as it did while the table was small: a contact's values are reckoned at
      // 116 rows, so one update's changed values looked like many.
      await client.query('SET LOCAL enable_nestloop = off');
      await client.query('SET LOCAL enable_mergejoin = off');
      const before = await scans(client, 'contact_search_values');
      await client.query(
        `UPDATE contacts SET version = 2, state = state || '{"name": "Renamed", "updated_at": 1000, "custom_attributes": {}}' WHERE workspace_id = $1 AND id = 'c1'`,
        [workspaceId],
      );
      await client.query(`DELETE FROM contacts WHERE workspace_id = $1 AND id = 'c2'`, [workspaceId]);
      const after = await scans(client, 'contact_search_values');
      expect(after.seq - before.seq).toBe(0);
      // Two changed values and one removed (name, updated_at, the plan), then the deleted contact's.
      expect(after.idx - before.idx).toBe(4);
      const renamed = await values('c1');
      expect(renamed.find((v) => v.field === 'name')).toEqual({ field: 'name', text_value: 'Renamed' });
      expect(renamed.map((v) => v.field)).not.toContain('custom_attributes.plan');
      expect(await values('c2')).toEqual([]);
      expect((await values('c3')).map((v) => v.field)).toContain('custom_attributes.plan');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it("remove an updated or deleted contact's company links by key, never by reading the whole table", async () => {
    const client = await pool.connect();
    const workspaceId = `w-${randomUUID()}`;
    const links = async (id: string) =>
      (await client.query('SELECT company_id FROM company_contacts WHERE workspace_id = $1 AND contact_id = $2', [workspaceId, id])).rows.map((row) => row.company_id);
    try {
      await client.query('BEGIN');
      await client.query(INSERT, [workspaceId]);
      // A fresh session plans the triggers' statements now, with the table as it is: a contact's links are reckoned at
      // 100 rows (a jsonb array's default), so a small table was hashed whole.
      const before = await scans(client, 'company_contacts');
      await client.query(`UPDATE contacts SET version = 2, state = jsonb_set(state, '{company_ids}', '["co2"]') WHERE workspace_id = $1 AND id = 'c1'`, [workspaceId]);
      await client.query(`DELETE FROM contacts WHERE workspace_id = $1 AND id = 'c2'`, [workspaceId]);
      const after = await scans(client, 'company_contacts');
      expect(after.seq - before.seq).toBe(0);
      expect(after.idx - before.idx).toBeGreaterThan(0);
      expect(await links('c1')).toEqual(['co2']);
      expect(await links('c2')).toEqual([]);
      expect(await links('c3')).toEqual(['co1']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
