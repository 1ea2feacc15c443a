import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Segments as saved searches (segments/): a named query of the search DSL per row, defined by an operator. Membership
 * is never stored: it is the query, run on the contacts read model when asked. `version` is the Intercom-Version the
 * query was written in (it decides field types, e.g. owner_id); `tag_ids` the tags it names, so that deleting one
 * of them can be refused as Intercom does (tag_has_dependent_objects).
 */
export class Segments1764200000950 implements MigrationInterface {
  name = 'Segments1764200000950';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE segments (
        workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        id text NOT NULL,
        name text NOT NULL,
        person_type text NOT NULL CHECK (person_type IN ('user', 'contact')),
        query jsonb NOT NULL,
        version smallint NOT NULL,
        tag_ids text[] NOT NULL DEFAULT '{}',
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id)
      )`);
    await db.query('CREATE UNIQUE INDEX segments_name_key ON segments (workspace_id, lower(name))');
    await db.query('CREATE INDEX segments_order_idx ON segments (workspace_id, created_at, id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE segments');
  }
}
