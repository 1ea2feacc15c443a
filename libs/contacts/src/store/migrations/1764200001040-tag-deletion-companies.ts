import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DELETE /tags/{id} detaches the tag's companies like its contacts: a cursor over company_tags by company id, walked
 * in bounded batches before the contacts (tags/tag-detacher.ts), instead of every company inside the request.
 * A deletion queued before this migration had its companies untagged in its request: its walk finds none.
 */
export class TagDeletionCompanies1764200001040 implements MigrationInterface {
  name = 'TagDeletionCompanies1764200001040';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE tag_deletions
        -- The last company id walked; the walk resumes after it, and goes on to the contacts once companies_done.
        ADD COLUMN company_cursor text NOT NULL DEFAULT '',
        ADD COLUMN companies_done boolean NOT NULL DEFAULT false,
        ADD COLUMN companies_detached bigint NOT NULL DEFAULT 0`);
    // The companies carrying a tag by company id: the walk's range (company_tags_tag_idx is in the list's order).
    await db.query('CREATE INDEX company_tags_tag_company_idx ON company_tags (workspace_id, tag_id, company_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX company_tags_tag_company_idx');
    await db.query('ALTER TABLE tag_deletions DROP COLUMN company_cursor, DROP COLUMN companies_done, DROP COLUMN companies_detached');
  }
}
