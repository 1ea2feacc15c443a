import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every list page answers an exact total_count. Deduplicated, an index of the workspace id alone over visible
 * contacts is a small fraction of the list index, so counting a large workspace reads far less.
 */
export class ContactCountIndex1764200000460 implements MigrationInterface {
  name = 'ContactCountIndex1764200000460';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX contacts_visible_count_idx ON contacts (workspace_id) WHERE (state->>'archived') IS DISTINCT FROM 'true'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX contacts_visible_count_idx`);
  }
}
