import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every row of contact_search_values carries its contact's role, as it carries its created_at, and the value and
 * order indexes hold it: a segment (`plan = pro`, users) keeps the rows of its query whose role is its person type,
 * read from the same index entries. Before, each row was probed for its role in the role rows' index: 1,001 probes,
 * a median of 4.5 ms, for a bounded count at 1M contacts, and every value of the field (10,000 probes) for the exact
 * count of a range in a workspace the walk covers. A contact whose role changes (a lead becomes a user) has all its
 * rows rewritten by the update trigger, which compares whole rows; roles change rarely, values often.
 * The backfill rewrites every row, so index-only scans read the heap too until VACUUM (autovacuum, or an operator's
 * `VACUUM ANALYZE contact_search_values` after the upgrade) marks the pages visible again: at 10,000 contacts a
 * segment count took 9.5 ms before it, 5.5 ms after.
 */
export class ContactSearchValuesRole1764200001110 implements MigrationInterface {
  name = 'ContactSearchValuesRole1764200001110';

  async up(db: QueryRunner): Promise<void> {
    // The backfill sees every row: SHARE mode holds off writers until this transaction commits.
    await db.query('LOCK TABLE contacts IN SHARE MODE');
    await db.query('DROP INDEX contact_search_values_role_idx');
    for (const index of Object.keys(VALUE_INDEXES)) await db.query(`DROP INDEX ${index}`);
    await db.query('ALTER TABLE contact_search_values ADD COLUMN role text');
    // Without the value indexes, the backfill writes the heap and the primary key alone.
    await db.query(`
      UPDATE contact_search_values v SET role = c.role
        FROM contacts c WHERE c.workspace_id = v.workspace_id AND c.id = v.contact_id`);
    await db.query('DROP FUNCTION contact_search_values_of(jsonb)');
    await db.query(valuesOf(true));
    for (const [index, definition] of Object.entries(VALUE_INDEXES)) await db.query(`CREATE INDEX ${index} ON contact_search_values ${definition(true)}`);
    await db.query('ANALYZE contact_search_values');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION contact_search_values_of(jsonb)');
    await db.query(valuesOf(false));
    for (const index of Object.keys(VALUE_INDEXES)) await db.query(`DROP INDEX ${index}`);
    await db.query('ALTER TABLE contact_search_values DROP COLUMN role');
    for (const [index, definition] of Object.entries(VALUE_INDEXES)) await db.query(`CREATE INDEX ${index} ON contact_search_values ${definition(false)}`);
    await db.query(`CREATE INDEX contact_search_values_role_idx ON contact_search_values (workspace_id, contact_id) INCLUDE (text_value) WHERE field = 'role'`);
  }
}

/** The btree indexes of migration 800, with the role as an included column when `role`. */
const VALUE_INDEXES: Record<string, (role: boolean) => string> = {
  contact_search_values_text_idx: (role) =>
    `(workspace_id, field, text_value, created_at, contact_id)${role ? ' INCLUDE (role)' : ''} WHERE text_value IS NOT NULL AND field <> 'avatar'`,
  contact_search_values_number_idx: (role) => `(workspace_id, field, number_value, created_at, contact_id)${role ? ' INCLUDE (role)' : ''} WHERE number_value IS NOT NULL`,
  contact_search_values_boolean_idx: (role) => `(workspace_id, field, boolean_value, created_at, contact_id)${role ? ' INCLUDE (role)' : ''} WHERE boolean_value IS NOT NULL`,
  contact_search_values_order_idx: (role) =>
    `(workspace_id, field, created_at, contact_id) INCLUDE (text_value, number_value, boolean_value${role ? ', role' : ''}) WHERE field <> 'avatar'`,
};

/**
 * contact_search_values_of as migration 800 wrote it, each row also carrying the contact's role (the table's last
 * column, where ADD COLUMN put it) when `role`.
 */
function valuesOf(role: boolean): string {
  const columns = role ? ', role text' : '';
  const value = role ? `, state->>'role'` : '';
  return `
  CREATE FUNCTION contact_search_values_of(state jsonb)
  RETURNS TABLE (field text, created_at bigint, text_value text, number_value numeric, boolean_value boolean${columns})
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT f.field, (state->>'created_at')::bigint, f.text_value, f.number_value, f.boolean_value${value}
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
           CASE jsonb_typeof(a.value) WHEN 'boolean' THEN (a.value #>> '{}')::boolean END${value}
      FROM jsonb_each(CASE jsonb_typeof(state->'custom_attributes') WHEN 'object' THEN state->'custom_attributes' ELSE '{}' END) a
     WHERE (state->>'archived') IS DISTINCT FROM 'true' AND jsonb_typeof(a.value) IN ('string', 'number', 'boolean')
    UNION ALL
    -- One row per tag, keyed by the tag: tag_id = X is then one key's rows, in the list's order.
    SELECT DISTINCT 'tag_id:' || t.tag_id, (state->>'created_at')::bigint, NULL::text, NULL::numeric, true${value}
      FROM jsonb_array_elements_text(CASE jsonb_typeof(state->'tag_ids') WHEN 'array' THEN state->'tag_ids' ELSE '[]' END) t (tag_id)
     WHERE (state->>'archived') IS DISTINCT FROM 'true'
  $$`;
}
