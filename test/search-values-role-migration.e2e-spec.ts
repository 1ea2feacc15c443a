import { ContactSearchValuesRole1764200001110 } from '@app/contacts';
import { migrate } from '@app/event-store';
import { MIGRATIONS } from '@app/runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';

// Contacts as the projection writes them: every third a lead, every tenth archived (no search values).
const INSERT = `
  INSERT INTO contacts (workspace_id, id, version, state)
  SELECT 'w1', 'c' || n, 1, jsonb_build_object('id', 'c' || n, 'role', CASE WHEN n % 3 = 0 THEN 'lead' ELSE 'user' END,
         'email', 'c' || n || '@example.com', 'created_at', n, 'updated_at', n, 'archived', n % 10 = 0,
         'custom_attributes', jsonb_build_object('plan', 'pro', 'seats', n), 'tag_ids', jsonb_build_array('t1'), 'company_ids', '[]'::jsonb)
    FROM generate_series(1, 300) n`;

// The values the contacts imply, against those stored: both directions must be empty.
const DRIFT = `
  WITH derived AS (SELECT c.workspace_id, c.id AS contact_id, v.* FROM contacts c, contact_search_values_of(c.state) v),
       stored AS (SELECT * FROM contact_search_values)
  SELECT (SELECT count(*) FROM (SELECT * FROM derived EXCEPT SELECT * FROM stored) a)::int
       + (SELECT count(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM derived) b)::int AS drift`;

describe('migration 1110 on search values stored before it', () => {
  let db: OwnDatabase;
  let pool: pg.Pool;
  const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(ContactSearchValuesRole1764200001110));

  beforeAll(async () => {
    db = await ownDatabase('role_mig');
    await migrate({ url: db.url, migrations: before });
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query(INSERT);
    await migrate({ url: db.url, migrations: MIGRATIONS });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it("gives every stored value its contact's role, as a new write would, and the value indexes hold it", async () => {
    const { rows } = await pool.query(`SELECT role, count(*)::int AS n, count(DISTINCT contact_id)::int AS contacts FROM contact_search_values GROUP BY role ORDER BY role`);
    // 270 listed contacts: 90 leads, 180 users.
    expect(rows.map((row) => [row.role, row.contacts])).toEqual([
      ['lead', 90],
      ['user', 180],
    ]);
    expect((await pool.query(DRIFT)).rows[0].drift).toBe(0);
    const { rows: indexes } = await pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contact_search_values' AND indexname ~ '_(text|number|boolean|order)_idx$'`);
    expect(indexes).toHaveLength(4);
    for (const index of indexes) expect(index.indexdef, index.indexname).toMatch(/INCLUDE \((.*, )?role\)/);
    expect((await pool.query(`SELECT to_regclass('contact_search_values_role_idx') AS gone`)).rows[0].gone).toBeNull();
  });

  it("rewrites a contact's values when its role changes, and those of no other contact", async () => {
    await pool.query(`UPDATE contacts SET version = 2, state = state || '{"role": "user"}' WHERE workspace_id = 'w1' AND id = 'c3'`);
    const { rows } = await pool.query(`SELECT DISTINCT role FROM contact_search_values WHERE contact_id = 'c3'`);
    expect(rows).toEqual([{ role: 'user' }]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM contact_search_values WHERE contact_id = 'c6' AND role = 'lead'`)).rows[0].n).toBeGreaterThan(5);
    expect((await pool.query(DRIFT)).rows[0].drift).toBe(0);
  });
});
