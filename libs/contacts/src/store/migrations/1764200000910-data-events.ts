import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read models of data events, written by the append statement of each event (data-events/data-event.repository.ts):
 * - contact_event_summaries: per contact and event name, how many times, first and last (Intercom's summary), and the
 *   version of the contact's data-event stream that last touched the row: the greatest of a contact's rows is its
 *   stream's version, so a decision loads the names and the version in one read of at most 500 rows.
 * - contact_data_event_keys: Intercom's de-duplication key (contact, name, created_at); a second event with the same
 *   key fails its append on this primary key and is answered 202 without being recorded.
 * The events themselves are read from the log (es_events, by the stream's primary key, newest first).
 */
export class DataEvents1764200000910 implements MigrationInterface {
  name = 'DataEvents1764200000910';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE contact_event_summaries (
        workspace_id text NOT NULL,
        contact_id text NOT NULL,
        event_name text NOT NULL,
        count bigint NOT NULL,
        first_at bigint NOT NULL,
        last_at bigint NOT NULL,
        version bigint NOT NULL,
        PRIMARY KEY (workspace_id, contact_id, event_name)
      )`);
    await db.query(`
      CREATE TABLE contact_data_event_keys (
        workspace_id text NOT NULL,
        contact_id text NOT NULL,
        event_name text NOT NULL,
        created_at bigint NOT NULL,
        CONSTRAINT contact_data_event_keys_pkey PRIMARY KEY (workspace_id, contact_id, event_name, created_at)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE contact_data_event_keys');
    await db.query('DROP TABLE contact_event_summaries');
  }
}
