import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A company's user_count counts the contacts whose company_ids hold it: without this, a scan of the workspace. */
export class ContactCompanyIndex1764200000450 implements MigrationInterface {
  name = 'ContactCompanyIndex1764200000450';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX contacts_company_ids_idx ON contacts USING gin (workspace_id, (state->'company_ids') jsonb_path_ops)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX contacts_company_ids_idx`);
  }
}
