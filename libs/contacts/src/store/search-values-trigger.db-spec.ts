import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
});
afterAll(() => pool.end());

// contacts rows as the projection writes them, enough for contact_search_values_of.
const INSERT = `
  INSERT INTO contacts (workspace_id, id, version, state)
  SELECT $1, 'c' || n, 1, jsonb_build_object('id', 'c' || n, 'role', 'user', 'name', 'Name ' || n, 'email', 'c' || n || '@example.com',
         'created_at', n, 'updated_at', n, 'archived', false, 'custom_attributes', jsonb_build_object('plan', 'free'), 'tag_ids', '[]'::jsonb)
    FROM generate_series(1, 200) n`;

describe("the triggers that keep contact_search_values", () => {
  it("remove an updated or deleted contact's values by key, never by reading the whole table", async () => {
    const client = await pool.connect();
    const workspaceId = `w-${randomUUID()}`;
    // Sequential and index scans of contact_search_values in this transaction so far.
    const scans = async () => (await client.query(`SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'contact_search_values'`)).rows[0];
    const values = async (id: string) =>
      (await client.query('SELECT field, text_value FROM contact_search_values WHERE workspace_id = $1 AND contact_id = $2 ORDER BY field', [workspaceId, id])).rows;
    try {
      await client.query('BEGIN');
      await client.query(INSERT, [workspaceId]);
      // A planner that prefers to hash a join, as it did while the table was small: a contact's values are reckoned at
      // 116 rows, so one update's changed values looked like many.
      await client.query('SET LOCAL enable_nestloop = off');
      await client.query('SET LOCAL enable_mergejoin = off');
      const before = await scans();
      await client.query(
        `UPDATE contacts SET version = 2, state = state || '{"name": "Renamed", "updated_at": 1000, "custom_attributes": {}}' WHERE workspace_id = $1 AND id = 'c1'`,
        [workspaceId],
      );
      await client.query(`DELETE FROM contacts WHERE workspace_id = $1 AND id = 'c2'`, [workspaceId]);
      const after = await scans();
      expect(Number(after.seq_scan) - Number(before.seq_scan)).toBe(0);
      // Two changed values and one removed (name, updated_at, the plan), then the deleted contact's.
      expect(Number(after.idx_scan) - Number(before.idx_scan)).toBe(4);
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
});
