import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * GET /admins lists a workspace's admins by id, and GET /me and notes without an author take its first one:
 * without this index the first admin could be found by walking the ids of every workspace's admins.
 */
export class AdminsWorkspaceIndex1764200000760 implements MigrationInterface {
  name = 'AdminsWorkspaceIndex1764200000760';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX admins_workspace_idx ON admins (workspace_id, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX admins_workspace_idx');
  }
}
