import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContactRelations1764200000400 implements MigrationInterface {
  name = 'ContactRelations1764200000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE tags (
        workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        id bigint GENERATED ALWAYS AS IDENTITY (START WITH 7500001) PRIMARY KEY,
        name text NOT NULL,
        created_at bigint NOT NULL
      )`);
    await db.query(`CREATE UNIQUE INDEX tags_name_key ON tags (workspace_id, lower(name))`);
    await db.query(`
      CREATE TABLE companies (
        workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        id text NOT NULL,
        company_id text NOT NULL,
        name text,
        plan text,
        monthly_spend double precision,
        size integer,
        website text,
        industry text,
        custom_attributes jsonb NOT NULL DEFAULT '{}',
        remote_created_at bigint,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, company_id)
      )`);
    await db.query(`
      CREATE TABLE contact_notes (
        workspace_id text NOT NULL,
        id text NOT NULL,
        contact_id text NOT NULL,
        body text NOT NULL,
        admin_id bigint NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id)
      )`);
    await db.query(`CREATE INDEX contact_notes_contact_idx ON contact_notes (workspace_id, contact_id, created_at, id)`);
    // Where a merged-away contact lives on: 2.16 answers 410 with a Link to it.
    await db.query(`
      CREATE TABLE contact_merges (
        workspace_id text NOT NULL,
        from_id text NOT NULL,
        into_id text NOT NULL,
        merged_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, from_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE contact_merges`);
    await db.query(`DROP TABLE contact_notes`);
    await db.query(`DROP TABLE companies`);
    await db.query(`DROP TABLE tags`);
  }
}
