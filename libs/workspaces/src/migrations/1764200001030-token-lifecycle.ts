import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Several access tokens per workspace, each with an id the CLI names it by, an operator's label, the last 4
 * characters of the token (tokens made before this migration have none: only their hash was ever kept), and the
 * moment it was revoked. A revoked token keeps its row (so `token list` shows it) but no longer authenticates.
 */
export class TokenLifecycle1764200001030 implements MigrationInterface {
  name = 'TokenLifecycle1764200001030';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE access_tokens
        ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1001),
        ADD COLUMN name text,
        ADD COLUMN last4 text,
        ADD COLUMN revoked_at timestamptz`);
    // token list, the per-workspace count and revoke by id all read a workspace's tokens through it.
    await db.query('CREATE UNIQUE INDEX access_tokens_workspace_id_idx ON access_tokens (workspace_id, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX access_tokens_workspace_id_idx');
    await db.query('ALTER TABLE access_tokens DROP COLUMN revoked_at, DROP COLUMN last4, DROP COLUMN name, DROP COLUMN id');
  }
}
