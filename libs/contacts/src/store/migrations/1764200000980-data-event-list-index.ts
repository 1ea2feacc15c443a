import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /events lists a contact's tracked events newest first by `created_at`, with the events of the leads merged into
 * it, and only those of the last 90 days (Intercom's rule). contact_data_event_keys has a row per tracked event; its
 * `stream_position` names the event in its stream (`<contact_id>:events`), and the index makes a page one index
 * range per contact (the user and each merged lead), starting at the 90-day cutoff or the page's cursor. The rows of a
 * merged lead stay under the lead's id (the list finds them through contact_merges): es_events is append-only, and a
 * merge touches none of a lead's event rows, however many it has.
 */
export class DataEventListIndex1764200000980 implements MigrationInterface {
  name = 'DataEventListIndex1764200000980';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE contact_data_event_keys ADD COLUMN stream_position bigint');
    await db.query(`
      UPDATE contact_data_event_keys k SET stream_position = e.stream_position
        FROM es_events e
       WHERE e.workspace_id = k.workspace_id AND e.stream_id = k.contact_id || ':events' AND e.event_type = 'DataEventTracked'
         AND e.data->>'event_name' = k.event_name AND (e.data->>'created_at')::bigint = k.created_at`);
    // A key whose event is not in the log has nothing to list (a read model row without its event).
    await db.query('DELETE FROM contact_data_event_keys WHERE stream_position IS NULL');
    await db.query('ALTER TABLE contact_data_event_keys ALTER COLUMN stream_position SET NOT NULL');
    await db.query('CREATE INDEX contact_data_event_keys_list_idx ON contact_data_event_keys (workspace_id, contact_id, created_at, stream_position)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX contact_data_event_keys_list_idx');
    await db.query('ALTER TABLE contact_data_event_keys DROP COLUMN stream_position');
  }
}
