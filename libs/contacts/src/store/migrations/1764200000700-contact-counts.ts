import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contact_counts: the number of listed contacts of each workspace (live, not archived), kept by the
 * projection in the append statement (read-model.projection.ts), so GET /contacts answers total_count
 * by summing a few rows instead of counting the workspace. A few slots per workspace, each append moving
 * one at random, so concurrent creates do not queue on one row. The backfill puts the current count in
 * slot 0; SHARE mode holds off writers for the count, so none lands between the count and the table.
 */
export class ContactCounts1764200000700 implements MigrationInterface {
  name = 'ContactCounts1764200000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE contact_counts (
        workspace_id text NOT NULL,
        slot smallint NOT NULL,
        visible bigint NOT NULL,
        PRIMARY KEY (workspace_id, slot)
      )`);
    await db.query('LOCK TABLE contacts IN SHARE MODE');
    await db.query(`
      INSERT INTO contact_counts (workspace_id, slot, visible)
      SELECT workspace_id, 0, count(*) FROM contacts WHERE (state->>'archived') IS DISTINCT FROM 'true' GROUP BY workspace_id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE contact_counts');
  }
}
