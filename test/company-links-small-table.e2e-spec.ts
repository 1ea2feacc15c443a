import { migrate } from '@app/event-store';
import { MIGRATIONS } from '@app/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';

// Contacts as the projection writes them, each linked to company co1.
const INSERT = `
  INSERT INTO contacts (workspace_id, id, version, state)
  SELECT $1, 'c' || n, 1, jsonb_build_object('id', 'c' || n, 'role', 'user', 'email', 'c' || n || '@example.com', 'created_at', n,
         'updated_at', n, 'archived', false, 'custom_attributes', '{}'::jsonb, 'tag_ids', '[]'::jsonb, 'company_ids', jsonb_build_array('co1'))
    FROM generate_series(1, $2::int) n`;

describe('the company links triggers on a table whose statistics say it is nearly empty', () => {
  let db: OwnDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    db = await ownDatabase('links_small');
    await migrate({ url: db.url, migrations: MIGRATIONS });
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // Three links, analyzed: before migration 1120 the planner read the whole table for an update's or a delete's links.
    await client.query(INSERT, ['other', 3]);
    await client.query('ANALYZE company_contacts');
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it("find an updated or deleted contact's links by key", async () => {
    const scans = async () => (await client.query(`SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'company_contacts'`)).rows[0];
    await client.query('BEGIN');
    try {
      await client.query(INSERT, ['w', 200]);
      const before = await scans();
      await client.query(`UPDATE contacts SET version = 2, state = jsonb_set(state, '{company_ids}', '["co2"]') WHERE workspace_id = 'w' AND id = 'c1'`);
      await client.query(`DELETE FROM contacts WHERE workspace_id = 'w' AND id = 'c2'`);
      const after = await scans();
      expect(Number(after.seq_scan) - Number(before.seq_scan)).toBe(0);
      expect(Number(after.idx_scan) - Number(before.idx_scan)).toBeGreaterThan(0);
      const { rows } = await client.query(`SELECT contact_id, company_id FROM company_contacts WHERE workspace_id = 'w' AND contact_id IN ('c1', 'c2') ORDER BY 1`);
      expect(rows).toEqual([{ contact_id: 'c1', company_id: 'co2' }]);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
