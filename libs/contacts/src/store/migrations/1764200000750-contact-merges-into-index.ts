import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /contacts/{id}/merge_history pages the merges into one user by (merged_at, from_id): the table's key is
 * the merged-away contact, so without this index every page read all of the workspace's merges (a sequential
 * scan of 102,000 merges for a user with 2,000, against one index range of the page's rows with it).
 */
export class ContactMergesIntoIndex1764200000750 implements MigrationInterface {
  name = 'ContactMergesIntoIndex1764200000750';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX contact_merges_into_idx ON contact_merges (workspace_id, into_id, merged_at, from_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX contact_merges_into_idx');
  }
}
