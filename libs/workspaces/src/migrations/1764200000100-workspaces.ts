import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Workspaces1764200000100 implements MigrationInterface {
  name = 'Workspaces1764200000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE workspaces (
        id text PRIMARY KEY,
        name text NOT NULL,
        client_secret text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Only a SHA-256 of each token is kept: a leaked table grants no access.
    await db.query(`
      CREATE TABLE access_tokens (
        token_hash text PRIMARY KEY,
        workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE admins (
        id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000001) PRIMARY KEY,
        workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        name text NOT NULL,
        email text NOT NULL,
        job_title text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX admins_workspace_email_key ON admins (workspace_id, lower(email))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE admins`);
    await db.query(`DROP TABLE access_tokens`);
    await db.query(`DROP TABLE workspaces`);
  }
}
