import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Companies become event-sourced: each is a stream of stream_type `company` (company.events.ts), and
 * `companies` becomes its read model, a folded state and the version it reflects, like `contacts`.
 *
 * Existing rows keep their id and become streams of one CompanyCreated event each, appended here with
 * the row's own values and times (actor `system`, request_id null), so that the log holds every company
 * and NATS, the change feed and history see them like any other. Their plan names get plan ids.
 *
 * Beside it, read models that keep every company read bounded:
 * - company_plans: a stable id for each plan name of a workspace (Intercom's `plan.id`);
 * - company_tags: a company's tags with when and by whom they were applied, ordered for `?tag_id=`;
 * - company_counts: the number of companies of a workspace (key '') and of each tag (key 'tag:<id>'),
 *   in COUNTER_SLOTS rows each so that concurrent writers seldom wait on one row;
 * - company_snapshots: the folded state every SNAPSHOT_EVERY versions (history and webhooks fold from it);
 * - company_contacts and company_contact_stats: which contacts hold each company, and its user_count and
 *   last_request_at (the latest last_seen_at of a contact while it held the company), kept from
 *   `contacts.state` by statement triggers in the same statement as the contact projection's write.
 */
export class CompanyStreams1764200000920 implements MigrationInterface {
  name = 'CompanyStreams1764200000920';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE company_plans (
        workspace_id text NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY (START WITH 260001) PRIMARY KEY,
        name text NOT NULL,
        UNIQUE (workspace_id, name)
      )`);
    await db.query(`INSERT INTO company_plans (workspace_id, name) SELECT DISTINCT workspace_id, plan FROM companies WHERE plan IS NOT NULL`);
    await db.query(`ALTER TABLE companies ADD COLUMN version bigint, ADD COLUMN state jsonb`);
    await db.query(`
      UPDATE companies c SET version = 1, state = jsonb_build_object(
        'id', c.id, 'workspace_id', c.workspace_id, 'company_id', c.company_id, 'name', c.name, 'plan', c.plan,
        'plan_id', (SELECT p.id::text FROM company_plans p WHERE p.workspace_id = c.workspace_id AND p.name = c.plan),
        'size', c.size, 'website', c.website, 'industry', c.industry,
        'monthly_spend', CASE WHEN c.monthly_spend IS NULL THEN NULL ELSE trunc(c.monthly_spend)::bigint END,
        'remote_created_at', c.remote_created_at, 'custom_attributes', c.custom_attributes,
        'created_at', c.created_at, 'updated_at', c.updated_at, 'tag_ids', '[]'::jsonb)`);
    await db.query(`
      INSERT INTO es_streams (workspace_id, stream_id, stream_type, version)
      SELECT workspace_id, id, 'company', 1 FROM companies`);
    // The event holds what the row held; `updated_at` of a row updated before companies had events is lost.
    await db.query(`
      INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
      SELECT workspace_id, id, 1, gen_random_uuid(), 'CompanyCreated',
             (state - 'created_at' - 'updated_at' - 'tag_ids') || jsonb_build_object('occurred_at', created_at),
             '{"actor": {"type": "system", "id": "migration:1764200000920"}, "request_id": null}'::jsonb
        FROM companies ORDER BY workspace_id, created_at, id`);
    await db.query(`UPDATE companies SET state = jsonb_set(state, '{updated_at}', state->'created_at')`);
    await db.query(`
      ALTER TABLE companies
        DROP COLUMN name, DROP COLUMN plan, DROP COLUMN monthly_spend, DROP COLUMN size, DROP COLUMN website,
        DROP COLUMN industry, DROP COLUMN custom_attributes, DROP COLUMN remote_created_at, DROP COLUMN updated_at,
        ALTER COLUMN version SET NOT NULL, ALTER COLUMN state SET NOT NULL`);
    await db.query(`ALTER TABLE companies ADD COLUMN name text GENERATED ALWAYS AS (state->>'name') STORED`);
    // The list order (created_at, id) either way, and ?name= lookups in it.
    await db.query(`CREATE INDEX companies_list_idx ON companies (workspace_id, created_at, id)`);
    await db.query(`CREATE INDEX companies_name_idx ON companies (workspace_id, name, created_at, id)`);
    await db.query(`
      CREATE TABLE company_tags (
        workspace_id text NOT NULL,
        company_id text NOT NULL,
        tag_id text NOT NULL,
        applied_at bigint NOT NULL,
        admin_id bigint,
        -- The company's, so that ?tag_id= reads its matches in the list's order.
        created_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, company_id, tag_id)
      )`);
    await db.query(`CREATE INDEX company_tags_tag_idx ON company_tags (workspace_id, tag_id, created_at, company_id)`);
    await db.query(`
      CREATE TABLE company_counts (
        workspace_id text NOT NULL,
        key text NOT NULL,
        slot smallint NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (workspace_id, key, slot)
      )`);
    await db.query(`INSERT INTO company_counts SELECT workspace_id, '', 0, count(*) FROM companies GROUP BY workspace_id`);
    await db.query(`
      CREATE TABLE company_snapshots (
        workspace_id text NOT NULL,
        company_id text NOT NULL,
        version bigint NOT NULL,
        state jsonb NOT NULL,
        PRIMARY KEY (workspace_id, company_id, version)
      )`);
    await db.query(`
      CREATE TABLE company_contacts (
        workspace_id text NOT NULL,
        company_id text NOT NULL,
        contact_id text NOT NULL,
        PRIMARY KEY (workspace_id, company_id, contact_id)
      )`);
    await db.query(`
      CREATE TABLE company_contact_stats (
        workspace_id text NOT NULL,
        company_id text NOT NULL,
        slot smallint NOT NULL,
        users bigint NOT NULL,
        last_request_at bigint,
        PRIMARY KEY (workspace_id, company_id, slot)
      )`);
    await db.query(COMPANY_IDS_OF);
    for (const statement of TRIGGERS) await db.query(statement);
    // The backfill sees every row: SHARE mode holds off contact writers until this transaction commits.
    await db.query('LOCK TABLE contacts IN SHARE MODE');
    await db.query(`INSERT INTO company_contacts SELECT c.workspace_id, x.company_id, c.id FROM contacts c, company_ids_of(c.state) x`);
    await db.query(`
      INSERT INTO company_contact_stats
      SELECT c.workspace_id, x.company_id, 0, count(*),
             max(CASE jsonb_typeof(c.state->'last_seen_at') WHEN 'number' THEN (c.state->>'last_seen_at')::bigint END)
        FROM contacts c, company_ids_of(c.state) x GROUP BY c.workspace_id, x.company_id`);
    // user_count read these; company_contacts answers "which contacts hold this company" now.
    await db.query('DROP INDEX IF EXISTS contacts_company_ids_idx');
  }

  async down(db: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete']) await db.query(`DROP TRIGGER contacts_company_contacts_${event} ON contacts`);
    for (const event of ['insert', 'update', 'delete']) await db.query(`DROP FUNCTION company_contacts_${event}()`);
    await db.query('DROP FUNCTION company_contact_stats_move(jsonb)');
    await db.query('DROP FUNCTION company_ids_of(jsonb)');
    await db.query('DROP TABLE company_contact_stats, company_contacts, company_snapshots, company_counts, company_tags');
    await db.query(`CREATE INDEX contacts_company_ids_idx ON contacts USING gin (workspace_id, (state->'company_ids') jsonb_path_ops)`);
    await db.query(`
      ALTER TABLE companies DROP COLUMN name`);
    await db.query(`
      ALTER TABLE companies ADD COLUMN name text, ADD COLUMN plan text, ADD COLUMN monthly_spend double precision, ADD COLUMN size integer,
        ADD COLUMN website text, ADD COLUMN industry text, ADD COLUMN custom_attributes jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN remote_created_at bigint, ADD COLUMN updated_at bigint`);
    await db.query(`
      UPDATE companies SET name = state->>'name', plan = state->>'plan', monthly_spend = (state->>'monthly_spend')::double precision,
        size = (state->>'size')::integer, website = state->>'website', industry = state->>'industry',
        custom_attributes = state->'custom_attributes', remote_created_at = (state->>'remote_created_at')::bigint,
        updated_at = (state->>'updated_at')::bigint`);
    await db.query('ALTER TABLE companies ALTER COLUMN updated_at SET NOT NULL, DROP COLUMN version, DROP COLUMN state');
    await db.query('DROP INDEX IF EXISTS companies_list_idx; DROP INDEX IF EXISTS companies_name_idx');
    await db.query('DROP TABLE company_plans');
    // The CompanyCreated events stay: the log is append-only.
  }
}

/** The company ids a contact state holds, once each; anything but an array holds none. */
const COMPANY_IDS_OF = `
  CREATE FUNCTION company_ids_of(state jsonb) RETURNS TABLE (company_id text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT x FROM jsonb_array_elements_text(CASE jsonb_typeof(state->'company_ids') WHEN 'array' THEN state->'company_ids' ELSE '[]' END) x
  $$`;

const lastSeen = (row: string) => `CASE jsonb_typeof(${row}.state->'last_seen_at') WHEN 'number' THEN (${row}.state->>'last_seen_at')::bigint END`;

/**
 * Statement triggers with transition tables, like contact_search_values' (migration 800): one set-based
 * statement per write, whether it wrote one contact (the projection) or a million (the rebuild's refill).
 * The counters move per company in one of 8 slots chosen at random, in company order (no lock cycles
 * between two writers), so contacts of one company written at once seldom wait on each other.
 */
const TRIGGERS = [
  // moves: [{workspace_id, company_id, users, at}], one per company.
  `CREATE FUNCTION company_contact_stats_move(moves jsonb) RETURNS void LANGUAGE sql AS $$
     INSERT INTO company_contact_stats (workspace_id, company_id, slot, users, last_request_at)
     SELECT m.workspace_id, m.company_id, floor(random() * 8)::smallint, m.users, m.at
       FROM jsonb_to_recordset(moves) AS m (workspace_id text, company_id text, users bigint, at bigint)
      ORDER BY m.workspace_id, m.company_id
     ON CONFLICT (workspace_id, company_id, slot) DO UPDATE
       SET users = company_contact_stats.users + EXCLUDED.users,
           last_request_at = greatest(company_contact_stats.last_request_at, EXCLUDED.last_request_at)
   $$`,
  `CREATE FUNCTION company_contacts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE moves jsonb;
   BEGIN
     WITH came AS (
       INSERT INTO company_contacts SELECT n.workspace_id, x.company_id, n.id FROM new_rows n, company_ids_of(n.state) x
       ON CONFLICT DO NOTHING RETURNING workspace_id, company_id, contact_id)
     SELECT jsonb_agg(m) INTO moves FROM (
       SELECT c.workspace_id, c.company_id, count(*) AS users, max(${lastSeen('n')}) AS at
         FROM came c JOIN new_rows n ON n.workspace_id = c.workspace_id AND n.id = c.contact_id
        GROUP BY c.workspace_id, c.company_id) m;
     IF moves IS NOT NULL THEN PERFORM company_contact_stats_move(moves); END IF;
     RETURN NULL;
   END $$`,
  // Most updates change neither the companies nor the last_seen_at of a contact that has some: they stop at the first check.
  `CREATE FUNCTION company_contacts_update() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE moves jsonb;
   BEGIN
     IF NOT EXISTS (
       SELECT 1 FROM new_rows n JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id
        WHERE n.state->'company_ids' IS DISTINCT FROM o.state->'company_ids'
           OR (n.state->'last_seen_at' IS DISTINCT FROM o.state->'last_seen_at' AND n.state->'company_ids' <> '[]'::jsonb)) THEN
       RETURN NULL;
     END IF;
     WITH gone AS (
       SELECT o.workspace_id, x.company_id, o.id FROM old_rows o, company_ids_of(o.state) x
       EXCEPT SELECT n.workspace_id, x.company_id, n.id FROM new_rows n, company_ids_of(n.state) x
     ), came AS (
       SELECT n.workspace_id, x.company_id, n.id FROM new_rows n, company_ids_of(n.state) x
       EXCEPT SELECT o.workspace_id, x.company_id, o.id FROM old_rows o, company_ids_of(o.state) x
     ), removed AS (
       DELETE FROM company_contacts t USING gone g
        WHERE t.workspace_id = g.workspace_id AND t.company_id = g.company_id AND t.contact_id = g.id
       RETURNING t.workspace_id, t.company_id
     ), added AS (
       INSERT INTO company_contacts SELECT * FROM came ON CONFLICT DO NOTHING RETURNING workspace_id, company_id
     ), seen AS (
       SELECT n.workspace_id, x.company_id, ${lastSeen('n')} AS at
         FROM new_rows n JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id, company_ids_of(n.state) x
        WHERE ${lastSeen('n')} IS NOT NULL
          AND (n.state->'last_seen_at' IS DISTINCT FROM o.state->'last_seen_at' OR n.state->'company_ids' IS DISTINCT FROM o.state->'company_ids')
     )
     SELECT jsonb_agg(m) INTO moves FROM (
       SELECT workspace_id, company_id, sum(d) AS users, max(at) AS at FROM (
         SELECT workspace_id, company_id, -1 AS d, NULL::bigint AS at FROM removed
         UNION ALL SELECT workspace_id, company_id, 1, NULL FROM added
         UNION ALL SELECT workspace_id, company_id, 0, at FROM seen) d
        GROUP BY workspace_id, company_id) m;
     IF moves IS NOT NULL THEN PERFORM company_contact_stats_move(moves); END IF;
     RETURN NULL;
   END $$`,
  `CREATE FUNCTION company_contacts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE moves jsonb;
   BEGIN
     WITH removed AS (
       DELETE FROM company_contacts t USING old_rows o
        WHERE t.workspace_id = o.workspace_id AND t.contact_id = o.id AND t.company_id IN (SELECT company_id FROM company_ids_of(o.state))
       RETURNING t.workspace_id, t.company_id)
     SELECT jsonb_agg(m) INTO moves FROM (
       SELECT workspace_id, company_id, -count(*) AS users, NULL::bigint AS at FROM removed GROUP BY workspace_id, company_id) m;
     IF moves IS NOT NULL THEN PERFORM company_contact_stats_move(moves); END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER contacts_company_contacts_insert AFTER INSERT ON contacts
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION company_contacts_insert()`,
  `CREATE TRIGGER contacts_company_contacts_update AFTER UPDATE ON contacts
     REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION company_contacts_update()`,
  `CREATE TRIGGER contacts_company_contacts_delete AFTER DELETE ON contacts
     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION company_contacts_delete()`,
];
