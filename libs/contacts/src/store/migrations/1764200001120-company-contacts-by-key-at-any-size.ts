import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Migration 1080 ran the company links' triggers without hash and merge joins, so that a contact's changed links are
 * found by key. On a table whose statistics say it holds a few rows (analyzed with 3 links; seen in
 * read-model-triggers.db-spec.ts run beside other test files) the planner still read the whole of company_contacts:
 * the same rows, and a scan that grows with the table until the statistics catch up. Without sequential scans
 * either, the lookups are by key at any size (company-links-small-table.e2e-spec.ts).
 */
export class CompanyContactsByKeyAtAnySize1764200001120 implements MigrationInterface {
  name = 'CompanyContactsByKeyAtAnySize1764200001120';

  async up(db: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await db.query(`ALTER FUNCTION ${fn}() SET enable_seqscan = off`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await db.query(`ALTER FUNCTION ${fn}() RESET enable_seqscan`);
  }
}

const FUNCTIONS = ['company_contacts_update', 'company_contacts_delete'];
