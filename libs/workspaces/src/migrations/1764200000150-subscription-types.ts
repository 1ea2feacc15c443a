import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SubscriptionTypes1764200000150 implements MigrationInterface {
  name = 'SubscriptionTypes1764200000150';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE subscription_types (
        workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1001) PRIMARY KEY,
        name text NOT NULL,
        description text NOT NULL,
        state text NOT NULL DEFAULT 'live',
        consent_type text NOT NULL DEFAULT 'opt_out',
        content_types jsonb NOT NULL DEFAULT '["email"]',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX subscription_types_workspace_idx ON subscription_types (workspace_id, id)`);
    // Workspaces made before this migration get the email type every new workspace gets.
    await db.query(`
      INSERT INTO subscription_types (workspace_id, name, description)
      SELECT id, 'Newsletters', 'Product updates and news' FROM workspaces`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE subscription_types`);
  }
}
