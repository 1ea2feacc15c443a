import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Segments over companies (segments/company-filter.compiler.ts): a segment's `target` says which read model its
 * query filters, `contacts` (every segment so far) or `companies`.
 *
 * A company segment lists its companies in the list order (created_at, id) and its probes read one company's row, so
 * most of its filters need no index of their own: a workspace's companies are far fewer than its contacts, and a
 * filter on them reads at most the workspace's companies in the list index. The two fields a company segment most
 * often picks by value, plan and industry, get an index each in the list order, so that `plan = Pro` (or IN) pages
 * and counts from its own matches; `name` has one already (migration 920), and tag_id reads company_tags' tag index.
 */
export class CompanySegments1764200000970 implements MigrationInterface {
  name = 'CompanySegments1764200000970';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE segments ADD COLUMN target text NOT NULL DEFAULT 'contacts' CHECK (target IN ('contacts', 'companies'))`);
    await db.query(`CREATE INDEX companies_plan_idx ON companies (workspace_id, (state->>'plan'), created_at, id)`);
    await db.query(`CREATE INDEX companies_industry_idx ON companies (workspace_id, (state->>'industry'), created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX companies_industry_idx');
    await db.query('DROP INDEX companies_plan_idx');
    await db.query('DELETE FROM segments WHERE target = $1', ['companies']);
    await db.query('ALTER TABLE segments DROP COLUMN target');
  }
}
