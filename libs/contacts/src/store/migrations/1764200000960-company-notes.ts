import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * company_notes: the read model of CompanyNoteAdded (2.16's company notes), written by the company projection in
 * the append statement. `position` is the note's place among its company's notes (1 is the first; the company's
 * state holds their number as note_count), so a page of the newest notes is one range of the unique key.
 */
export class CompanyNotes1764200000960 implements MigrationInterface {
  name = 'CompanyNotes1764200000960';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE company_notes (
        workspace_id text NOT NULL,
        id text NOT NULL,
        company_id text NOT NULL,
        position integer NOT NULL,
        body text NOT NULL,
        admin_id bigint NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (workspace_id, id),
        UNIQUE (workspace_id, company_id, position)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE company_notes');
  }
}
