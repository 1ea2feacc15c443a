import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DELETE /tags/{id}: the tag's row stays as a tombstone (`deleted_at`), so that the ContactUntagged events its
 * deletion records still name it in webhook notifications, and its name is free again (the unique index now skips
 * tombstones). tag_deletions holds the detaching still to do: a cursor over the tag's contacts, walked in bounded
 * batches (tags/tag-detacher.ts), which reads contact_tag_applications by tag.
 */
export class TagDeletions1764200000940 implements MigrationInterface {
  name = 'TagDeletions1764200000940';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE tags ADD COLUMN deleted_at bigint');
    await db.query('DROP INDEX tags_name_key');
    await db.query('CREATE UNIQUE INDEX tags_name_key ON tags (workspace_id, lower(name)) WHERE deleted_at IS NULL');
    // Every contact that ever had the tag (archived ones too, which contact_search_values leaves out), by contact id.
    await db.query('CREATE INDEX contact_tag_applications_tag_idx ON contact_tag_applications (workspace_id, tag_id, contact_id)');
    await db.query(`
      CREATE TABLE tag_deletions (
        workspace_id text NOT NULL,
        tag_id text NOT NULL,
        -- The deleting request's event metadata: every ContactUntagged of the deletion carries it.
        metadata jsonb NOT NULL,
        requested_at bigint NOT NULL,
        -- The last contact id walked; the walk resumes after it.
        cursor text NOT NULL DEFAULT '',
        detached bigint NOT NULL DEFAULT 0,
        claimed_until timestamptz,
        done_at bigint,
        PRIMARY KEY (workspace_id, tag_id)
      )`);
    await db.query('CREATE INDEX tag_deletions_pending_idx ON tag_deletions (requested_at) WHERE done_at IS NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE tag_deletions');
    await db.query('DROP INDEX contact_tag_applications_tag_idx');
    await db.query('DELETE FROM tags WHERE deleted_at IS NOT NULL');
    await db.query('DROP INDEX tags_name_key');
    await db.query('CREATE UNIQUE INDEX tags_name_key ON tags (workspace_id, lower(name))');
    await db.query('ALTER TABLE tags DROP COLUMN deleted_at');
  }
}
