import { Inject, Injectable } from '@nestjs/common';
import { SEARCH_POOL } from '@app/event-store';
import { LIMITS } from '@app/intercom';
import type pg from 'pg';
import type { DataType } from '../domain/contact.state.js';
import type { PageRequest } from '../companies/company-views.repository.js';
import { SearchQueryInvalidError } from '../search/search.errors.js';
import { SqlParams } from '../search/search-fields.js';
import { compileCompanyFilter } from './company-filter.compiler.js';
import type { Segment } from './segment-catalog.repository.js';

/** Segments probed in one statement, as for contacts: their values stay far below PostgreSQL's parameter limit. */
const SEGMENTS_PER_STATEMENT = 25;
/** The matches a company segment counts exactly; beyond, its total is the planner's estimate held to a bound. */
export const COMPANY_EXACT_COUNT = LIMITS.searchExactCount;

const COMPANY_ATTRIBUTES = `
  SELECT name, data_type FROM data_attributes WHERE workspace_id = $1 AND model = 'company' AND NOT archived`;
const COMPANIES_TOTAL = `SELECT coalesce(sum(n), 0)::bigint AS n FROM company_counts WHERE workspace_id = $1 AND key = ''`;

type Attributes = ReadonlyMap<string, DataType>;

/**
 * Who is in a company segment, computed from the companies read model when asked (nothing is stored per member), on
 * the search pool (its shorter statement timeout). A company's segments are probes of that company's row by primary
 * key (a page's companies together); a segment's page walks the list order (or the plan and industry indexes, migration 970) with the query as a
 * condition, so it reads at most the workspace's companies; its count stops at COMPANY_EXACT_COUNT + 1 matches.
 */
@Injectable()
export class CompanySegmentMembers {
  constructor(@Inject(SEARCH_POOL) private readonly pool: pg.Pool) {}

  /** The workspace's active company data attributes (at most LIMITS.dataAttributesPerModel), read fresh. */
  async attributes(workspaceId: string): Promise<Map<string, DataType>> {
    const { rows } = await this.pool.query({ name: 'company_data_attributes', text: COMPANY_ATTRIBUTES, values: [workspaceId] });
    return new Map(rows.map((row) => [row.name, row.data_type]));
  }

  /**
   * The segments (of those given) each company matches, in their order, by company id; none for an unknown company.
   * One statement per SEGMENTS_PER_STATEMENT segments probes all the companies' rows by primary key together, so a
   * page of companies costs as many statements as one company.
   */
  async matching(workspaceId: string, companyIds: readonly string[], segments: readonly Segment[], attributes: Attributes): Promise<Map<string, Segment[]>> {
    const matched = new Map<string, Segment[]>(companyIds.map((id) => [id, []]));
    if (companyIds.length === 0) return matched;
    for (let i = 0; i < segments.length; i += SEGMENTS_PER_STATEMENT) {
      const chunk = segments.slice(i, i + SEGMENTS_PER_STATEMENT);
      const params = new SqlParams();
      const workspace = params.bind(workspaceId);
      const ids = params.bind([...new Set(companyIds)], 'text[]');
      const columns = chunk.map((segment, j) => `coalesce(${compiled(segment, attributes, params, workspace)}, false) AS m${j}`);
      const { rows } = await this.pool.query({
        text: `SELECT c.id, ${columns.join(', ')} FROM companies c WHERE c.workspace_id = ${workspace} AND c.id = ANY(${ids})`,
        values: params.values,
      });
      for (const row of rows) matched.get(row.id)!.push(...chunk.filter((_, j) => row[`m${j}`] === true));
    }
    return matched;
  }

  /** The ids of a page of the segment's companies, in the company list's order. */
  async page(workspaceId: string, segment: Segment, attributes: Attributes, page: PageRequest): Promise<string[]> {
    const params = new SqlParams();
    const workspace = params.bind(workspaceId);
    const conditions = [`c.workspace_id = ${workspace}`, compiled(segment, attributes, params, workspace)];
    const direction = page.order === 'asc' ? 'ASC' : 'DESC';
    if (page.after) {
      conditions.push(`(c.created_at, c.id) ${direction === 'ASC' ? '>' : '<'} (${params.bind(page.after.created_at, 'bigint')}, ${params.bind(page.after.id, 'text')})`);
    }
    const { rows } = await this.pool.query({
      text: `SELECT c.id FROM companies c WHERE ${conditions.join(' AND ')}
              ORDER BY c.created_at ${direction}, c.id ${direction}
             OFFSET ${params.bind(page.after ? 0 : page.offset, 'int')} LIMIT ${params.bind(page.limit, 'int')}`,
      values: params.values,
    });
    return rows.map((row) => row.id);
  }

  /**
   * The segment's companies: exact up to COMPANY_EXACT_COUNT; beyond, the planner's estimate of the matches (planned,
   * not run), held between COMPANY_EXACT_COUNT + 1 and the workspace's companies, as the contact search's total is.
   */
  async count(workspaceId: string, segment: Segment, attributes: Attributes): Promise<number> {
    const params = new SqlParams();
    const workspace = params.bind(workspaceId);
    const matches = `SELECT 1 FROM companies c WHERE c.workspace_id = ${workspace} AND ${compiled(segment, attributes, params, workspace)}`;
    const { rows } = await this.pool.query({ text: `SELECT count(*)::int AS n FROM (${matches} LIMIT ${COMPANY_EXACT_COUNT + 1}) m`, values: params.values });
    if (rows[0].n <= COMPANY_EXACT_COUNT) return rows[0].n;
    const [explained, total] = await Promise.all([
      this.pool.query({ text: `EXPLAIN (FORMAT JSON) ${matches}`, values: params.values }),
      this.pool.query({ name: 'company_segment_companies_total', text: COMPANIES_TOTAL, values: [workspaceId] }),
    ]);
    const estimated = Math.round(Number(explained.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']));
    return Math.max(Math.min(estimated, Number(total.rows[0].n)), COMPANY_EXACT_COUNT + 1);
  }
}

/** A query that no longer compiles (a company data attribute archived since) matches no company; its bindings go. */
function compiled(segment: Segment, attributes: Attributes, params: SqlParams, workspace: string): string {
  const bound = params.values.length;
  try {
    return compileCompanyFilter(segment.query, { attributes, workspace }, params);
  } catch (error) {
    if (!(error instanceof SearchQueryInvalidError)) throw error;
    params.values.length = bound;
    return 'false';
  }
}
