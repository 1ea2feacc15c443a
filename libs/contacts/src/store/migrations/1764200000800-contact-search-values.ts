import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contact_search_values: one row per searchable value of each listed contact (standard fields and custom
 * attributes), typed, so that every filter of the search DSL is an index range at any workspace size:
 * btree for = IN < > on text, numbers and booleans (a tag is a boolean keyed by its id), trigrams for ~ !~ ^ $. The table is derived from
 * `contacts.state` by `contact_search_values_of`, kept by statement triggers on `contacts` in the same
 * statement as the projection's write (and the rebuild's refill), so it can never disagree with the row.
 * Archived contacts have no rows: they never search, and a count over this table alone is a count of
 * listed contacts. The search compiler (search/search-compiler.ts) names the same fields and columns.
 */
export class ContactSearchValues1764200000800 implements MigrationInterface {
  name = 'ContactSearchValues1764200000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE contact_search_values (
        workspace_id text NOT NULL,
        contact_id text NOT NULL,
        field text NOT NULL,
        -- The contact's, so that a page of one filter reads this table in the list's order (created_at, id).
        created_at bigint NOT NULL,
        text_value text,
        number_value numeric,
        boolean_value boolean,
        PRIMARY KEY (workspace_id, contact_id, field)
      )`);
    await db.query(CONTACT_SEARCH_VALUES_OF);
    // Equality (and IN) on a value reads its matches already in the list's order, so a page of `plan = 'pro'` is
    // its first per_page + 1 entries after the cursor. Avatars are left out of the text index (a URL of 2048
    // characters does not fit a btree entry); every other stored string is at most 255 characters.
    await db.query(`
      CREATE INDEX contact_search_values_text_idx ON contact_search_values (workspace_id, field, text_value, created_at, contact_id)
       WHERE text_value IS NOT NULL AND field <> 'avatar'`);
    await db.query(`
      CREATE INDEX contact_search_values_number_idx ON contact_search_values (workspace_id, field, number_value, created_at, contact_id)
       WHERE number_value IS NOT NULL`);
    await db.query(`
      CREATE INDEX contact_search_values_boolean_idx ON contact_search_values (workspace_id, field, boolean_value, created_at, contact_id)
       WHERE boolean_value IS NOT NULL`);
    // A range, a list or a broad pattern on one field reads that field's values in the list's order and keeps the
    // matches: a page costs per_page / (the filter's share) index entries, and no heap.
    await db.query(`
      CREATE INDEX contact_search_values_order_idx ON contact_search_values (workspace_id, field, created_at, contact_id)
        INCLUDE (text_value, number_value, boolean_value) WHERE field <> 'avatar'`);
    // A rare pattern (`~ !~ ^ $`) reads its trigrams. On the value alone: with the workspace and the field as keys
    // too (btree_gin) the planner prices their long posting lists and prefers reading the whole table.
    await db.query(`CREATE INDEX contact_search_values_trgm_idx ON contact_search_values USING gin (text_value gin_trgm_ops) WHERE text_value IS NOT NULL`);
    // The planner's estimates of a filter need the field and its value together (plan = 'pro' is common, a
    // name = 'pro' is not).
    await db.query('CREATE STATISTICS contact_search_values_text_stats (mcv, dependencies) ON field, text_value FROM contact_search_values');
    await db.query('CREATE STATISTICS contact_search_values_number_stats (mcv, dependencies) ON field, number_value FROM contact_search_values');
    for (const statement of TRIGGERS) await db.query(statement);
    // The backfill sees every row: SHARE mode holds off writers until this transaction commits.
    await db.query('LOCK TABLE contacts IN SHARE MODE');
    await db.query(`
      INSERT INTO contact_search_values
      SELECT c.workspace_id, c.id, v.* FROM contacts c, contact_search_values_of(c.state) v`);
    // The planner's first plans over the table need its statistics, as the search's cost bound does.
    await db.query('ANALYZE contact_search_values');
    // Search no longer reads these: every filter they served goes through contact_search_values.
    for (const index of ['custom_attributes', 'tag_ids', 'email_trgm', 'name', 'email', 'external_id', 'visible_count']) {
      await db.query(`DROP INDEX IF EXISTS contacts_${index}_idx`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const event of ['insert', 'update', 'delete']) await db.query(`DROP TRIGGER contacts_search_values_${event} ON contacts`);
    await db.query('DROP TABLE contact_search_values');
    for (const event of ['insert', 'update', 'delete']) await db.query(`DROP FUNCTION contact_search_values_${event}()`);
    await db.query('DROP FUNCTION contact_search_values_of(jsonb)');
    await db.query(`CREATE INDEX contacts_visible_count_idx ON contacts (workspace_id) WHERE (state->>'archived') IS DISTINCT FROM 'true'`);
    await db.query(`CREATE INDEX contacts_email_idx ON contacts (workspace_id, email_lower)`);
    await db.query(`CREATE INDEX contacts_external_id_idx ON contacts (workspace_id, external_id)`);
    await db.query(`CREATE INDEX contacts_name_idx ON contacts (workspace_id, (state->>'name'))`);
    await db.query(`CREATE INDEX contacts_email_trgm_idx ON contacts USING gin (workspace_id, email_lower gin_trgm_ops)`);
    await db.query(`CREATE INDEX contacts_custom_attributes_idx ON contacts USING gin (workspace_id, (state->'custom_attributes') jsonb_path_ops)`);
    await db.query(`CREATE INDEX contacts_tag_ids_idx ON contacts USING gin (workspace_id, (state->'tag_ids') jsonb_path_ops)`);
  }
}

/**
 * The searchable values of one contact state. Numbers and booleans are read only where the JSON holds that type,
 * so a stray value never fails a write; owner_id is both a number (2.11) and a string (2.16's search).
 */
const CONTACT_SEARCH_VALUES_OF = `
  CREATE FUNCTION contact_search_values_of(state jsonb)
  RETURNS TABLE (field text, created_at bigint, text_value text, number_value numeric, boolean_value boolean)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT f.field, (state->>'created_at')::bigint, f.text_value, f.number_value, f.boolean_value
      FROM (VALUES
        ('id', state->>'id', NULL::numeric, NULL::boolean),
        ('role', state->>'role', NULL, NULL),
        ('name', state->>'name', NULL, NULL),
        ('avatar', state->>'avatar', NULL, NULL),
        ('email', lower(state->>'email'), NULL, NULL),
        ('email_domain', nullif(split_part(lower(state->>'email'), '@', 2), ''), NULL, NULL),
        ('phone', state->>'phone', NULL, NULL),
        ('external_id', state->>'external_id', NULL, NULL),
        ('owner_id', state->>'owner_id', CASE jsonb_typeof(state->'owner_id') WHEN 'number' THEN (state->>'owner_id')::numeric END, NULL),
        ('updated_at', NULL, CASE jsonb_typeof(state->'updated_at') WHEN 'number' THEN (state->>'updated_at')::numeric END, NULL),
        ('signed_up_at', NULL, CASE jsonb_typeof(state->'signed_up_at') WHEN 'number' THEN (state->>'signed_up_at')::numeric END, NULL),
        ('last_seen_at', NULL, CASE jsonb_typeof(state->'last_seen_at') WHEN 'number' THEN (state->>'last_seen_at')::numeric END, NULL),
        ('unsubscribed_from_emails', NULL, NULL, coalesce(state->'unsubscribed_from_emails' = 'true'::jsonb, false))
      ) AS f (field, text_value, number_value, boolean_value)
     WHERE (state->>'archived') IS DISTINCT FROM 'true'
       AND (f.text_value IS NOT NULL OR f.number_value IS NOT NULL OR f.boolean_value IS NOT NULL)
    UNION ALL
    SELECT 'custom_attributes.' || a.key, (state->>'created_at')::bigint,
           CASE jsonb_typeof(a.value) WHEN 'string' THEN a.value #>> '{}' END,
           CASE jsonb_typeof(a.value) WHEN 'number' THEN (a.value #>> '{}')::numeric END,
           CASE jsonb_typeof(a.value) WHEN 'boolean' THEN (a.value #>> '{}')::boolean END
      FROM jsonb_each(CASE jsonb_typeof(state->'custom_attributes') WHEN 'object' THEN state->'custom_attributes' ELSE '{}' END) a
     WHERE (state->>'archived') IS DISTINCT FROM 'true' AND jsonb_typeof(a.value) IN ('string', 'number', 'boolean')
    UNION ALL
    -- One row per tag, keyed by the tag: tag_id = X is then one key's rows, in the list's order.
    SELECT DISTINCT 'tag_id:' || t.tag_id, (state->>'created_at')::bigint, NULL::text, NULL::numeric, true
      FROM jsonb_array_elements_text(CASE jsonb_typeof(state->'tag_ids') WHEN 'array' THEN state->'tag_ids' ELSE '[]' END) t (tag_id)
     WHERE (state->>'archived') IS DISTINCT FROM 'true'
  $$`;

/**
 * Statement triggers with transition tables: one set-based statement per write, whether it wrote one contact
 * (the projection) or a million (the rebuild). An update touches only the values that changed.
 */
const TRIGGERS = [
  `CREATE FUNCTION contact_search_values_insert() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO contact_search_values SELECT n.workspace_id, n.id, v.* FROM new_rows n, contact_search_values_of(n.state) v;
     RETURN NULL;
   END $$`,
  `CREATE FUNCTION contact_search_values_update() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     DELETE FROM contact_search_values s
      USING (SELECT o.workspace_id, o.id, v.* FROM old_rows o, contact_search_values_of(o.state) v
             EXCEPT SELECT n.workspace_id, n.id, v.* FROM new_rows n, contact_search_values_of(n.state) v) gone
      WHERE s.workspace_id = gone.workspace_id AND s.contact_id = gone.id AND s.field = gone.field;
     INSERT INTO contact_search_values
     SELECT n.workspace_id, n.id, v.* FROM new_rows n, contact_search_values_of(n.state) v
     EXCEPT SELECT o.workspace_id, o.id, v.* FROM old_rows o, contact_search_values_of(o.state) v;
     RETURN NULL;
   END $$`,
  `CREATE FUNCTION contact_search_values_delete() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     DELETE FROM contact_search_values s USING old_rows o WHERE s.workspace_id = o.workspace_id AND s.contact_id = o.id;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER contacts_search_values_insert AFTER INSERT ON contacts
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_search_values_insert()`,
  `CREATE TRIGGER contacts_search_values_update AFTER UPDATE ON contacts
     REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_search_values_update()`,
  `CREATE TRIGGER contacts_search_values_delete AFTER DELETE ON contacts
     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_search_values_delete()`,
];
