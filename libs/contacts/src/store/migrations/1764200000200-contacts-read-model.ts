import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContactsReadModel1764200000200 implements MigrationInterface {
  name = 'ContactsReadModel1764200000200';

  async up(db: QueryRunner): Promise<void> {
    // The projection writes `state` (the folded contact); typed columns are derived from it for indexes.
    await db.query(`
      CREATE TABLE contacts (
        workspace_id text NOT NULL,
        id text NOT NULL,
        version bigint NOT NULL,
        state jsonb NOT NULL,
        role text GENERATED ALWAYS AS (state->>'role') STORED,
        email_lower text GENERATED ALWAYS AS (lower(state->>'email')) STORED,
        external_id text GENERATED ALWAYS AS (state->>'external_id') STORED,
        created_at bigint GENERATED ALWAYS AS ((state->>'created_at')::bigint) STORED,
        PRIMARY KEY (workspace_id, id)
      )`);
    // Intercom's identity rule: among users of a workspace, email (any case) and external_id are unique.
    await db.query(`CREATE UNIQUE INDEX contacts_user_email_key ON contacts (workspace_id, email_lower) WHERE role = 'user'`);
    await db.query(`CREATE UNIQUE INDEX contacts_user_external_id_key ON contacts (workspace_id, external_id) WHERE role = 'user'`);
    await db.query(`
      CREATE TABLE data_attributes (
        id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100001) PRIMARY KEY,
        workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        model text NOT NULL,
        name text NOT NULL,
        label text NOT NULL,
        description text,
        data_type text NOT NULL,
        options jsonb,
        messenger_writable boolean NOT NULL DEFAULT false,
        archived boolean NOT NULL DEFAULT false,
        admin_id text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL
      )`);
    await db.query(`CREATE UNIQUE INDEX data_attributes_name_key ON data_attributes (workspace_id, model, lower(name))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE data_attributes`);
    await db.query(`DROP TABLE contacts`);
  }
}
