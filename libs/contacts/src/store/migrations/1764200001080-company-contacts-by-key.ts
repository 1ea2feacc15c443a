import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The triggers that keep company_contacts join a contact's changed company links (the transition tables: one contact
 * per projection statement) to company_contacts. The planner reckons a contact's links at 100 rows (a jsonb array's
 * default) and hashed the whole table for that join while it was small: 1,001 links read for 1 at 1,000 links. Run
 * without hash and merge joins, the joins are nested loops over the primary key, whatever the table's size: the same
 * rows, one index lookup each (the search values triggers were rewritten for the same reason, 1764200001070).
 */
export class CompanyContactsByKey1764200001080 implements MigrationInterface {
  name = 'CompanyContactsByKey1764200001080';

  async up(db: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await db.query(`ALTER FUNCTION ${fn}() SET enable_hashjoin = off SET enable_mergejoin = off`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await db.query(`ALTER FUNCTION ${fn}() RESET ALL`);
  }
}

const FUNCTIONS = ['company_contacts_update', 'company_contacts_delete'];
