import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contact_tag_applications rows from the log, with the projection's rule (read-model.projection.ts):
 * a ContactTagged always records its tag's application; a ContactMergedFrom records the tags it brings
 * that were not on the contact just before it (the tag's previous event was none or a ContactUntagged).
 * The latest recorded application of each tag wins. Exported so that a test can hold it to the projection.
 */
export const TAG_APPLICATIONS_FROM_LOG = `
  WITH marks AS (
    SELECT e.workspace_id, e.stream_id, e.stream_position, e.event_type, t.tag_id,
           (e.data->>'occurred_at')::bigint AS applied_at,
           CASE WHEN e.event_type = 'ContactTagged' THEN (e.data->>'admin_id')::bigint END AS admin_id
      FROM es_events e
      CROSS JOIN LATERAL (
        SELECT e.data->>'tag_id' AS tag_id WHERE e.event_type <> 'ContactMergedFrom'
        UNION
        SELECT jsonb_array_elements_text(e.data->'tag_ids') WHERE e.event_type = 'ContactMergedFrom'
      ) t
     WHERE e.event_type IN ('ContactTagged', 'ContactUntagged', 'ContactMergedFrom')
  ), ordered AS (
    SELECT *, lag(event_type) OVER (PARTITION BY workspace_id, stream_id, tag_id ORDER BY stream_position) AS previous
      FROM marks
  )
  SELECT DISTINCT ON (workspace_id, stream_id, tag_id) workspace_id, stream_id AS contact_id, tag_id, applied_at, admin_id
    FROM ordered
   WHERE event_type = 'ContactTagged' OR (event_type = 'ContactMergedFrom' AND (previous IS NULL OR previous = 'ContactUntagged'))
   ORDER BY workspace_id, stream_id, tag_id, stream_position DESC`;

/**
 * Two read models that keep reads bounded (docs/architecture.md, "Snapshots"):
 * - contact_snapshots: the folded state at every SNAPSHOT_EVERY-th version, so history, as_of and the
 *   webhook notifier fold at most that many events. Contacts written before this migration have none
 *   until their next SNAPSHOT_EVERY events or `projections rebuild` (the fold is JavaScript, so the
 *   migration cannot write them); until then their reads fold from the start, a chunk at a time.
 * - contact_tag_applications: when and by whom each tag was last put on a contact, backfilled here
 *   from the log (one pass over the tag events), since the tag endpoints answer from it alone.
 */
export class ContactSnapshots1764200000600 implements MigrationInterface {
  name = 'ContactSnapshots1764200000600';

  async up(db: QueryRunner): Promise<void> {
    // occurred_at: when the snapshot's last event happened (evolve sets updated_at to it), for as_of.
    await db.query(`
      CREATE TABLE contact_snapshots (
        workspace_id text NOT NULL,
        contact_id text NOT NULL,
        version bigint NOT NULL,
        state jsonb NOT NULL,
        occurred_at bigint GENERATED ALWAYS AS ((state->>'updated_at')::bigint) STORED,
        PRIMARY KEY (workspace_id, contact_id, version)
      )`);
    await db.query(`
      CREATE TABLE contact_tag_applications (
        workspace_id text NOT NULL,
        contact_id text NOT NULL,
        tag_id text NOT NULL,
        applied_at bigint NOT NULL,
        admin_id bigint,
        PRIMARY KEY (workspace_id, contact_id, tag_id)
      )`);
    await db.query(`INSERT INTO contact_tag_applications (workspace_id, contact_id, tag_id, applied_at, admin_id) ${TAG_APPLICATIONS_FROM_LOG}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE contact_tag_applications');
    await db.query('DROP TABLE contact_snapshots');
  }
}
