import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import { isNumericId } from '@app/intercom';
import type pg from 'pg';
import type { CompanyState } from '../domain/company.state.js';
import type { ContactState } from '../domain/contact.state.js';
import type { SegmentItem } from './company-segments.js';

/** A tag as it stands on a company. */
export interface CompanyTag {
  id: string;
  name: string;
  applied_at: number;
  admin_id: number | null;
}

/** A company as the API answers it: its state and what other read models know of it. */
export interface Company {
  state: CompanyState;
  version: number;
  /** The contacts that hold it (company_contact_stats). */
  user_count: number;
  /** The latest last_seen_at of a contact while it held the company; null when none was ever seen. */
  last_request_at: number | null;
  tags: CompanyTag[];
  /** The company segments it matches, where the answer embeds them (company-segments.ts: EmbeddedSegments); else none. */
  segments?: SegmentItem[];
}

/** A position in the list order (created_at, id). */
export interface ListKey {
  created_at: number;
  id: string;
}

export interface PageRequest {
  order: 'asc' | 'desc';
  /** Keyset: the last company of the previous page; null from the start (then `offset` applies). */
  after: ListKey | null;
  offset: number;
  limit: number;
}

// What every read adds to the rows it picks (`picked`: workspace_id, id, state, version, ord): a few index reads each.
// A deleted tag (a tombstone until its walk untags every company, tags/tag-detacher.ts) leaves the tags at once.
const DECORATED = `
  SELECT p.state, p.version,
         coalesce((SELECT sum(s.users) FROM company_contact_stats s WHERE s.workspace_id = p.workspace_id AND s.company_id = p.id), 0)::int AS user_count,
         (SELECT max(s.last_request_at) FROM company_contact_stats s WHERE s.workspace_id = p.workspace_id AND s.company_id = p.id) AS last_request_at,
         coalesce((SELECT json_agg(json_build_object('id', t.id::text, 'name', t.name, 'applied_at', ct.applied_at, 'admin_id', ct.admin_id)
                                   ORDER BY ct.applied_at, ct.tag_id)
                     FROM company_tags ct JOIN tags t ON t.workspace_id = ct.workspace_id AND t.id = ct.tag_id::bigint AND t.deleted_at IS NULL
                    WHERE ct.workspace_id = p.workspace_id AND ct.company_id = p.id), '[]') AS tags
    FROM picked p ORDER BY p.ord`;

const pick = (from: string) => `WITH picked AS (${from}) ${DECORATED}`;

const BY_IDS = pick(`
  SELECT c.workspace_id, c.id, c.state, c.version, w.ord FROM unnest($2::text[]) WITH ORDINALITY AS w (id, ord)
    JOIN companies c ON c.workspace_id = $1 AND c.id = w.id`);

const BY_COMPANY_ID = pick(`SELECT workspace_id, id, state, version, 1 AS ord FROM companies WHERE workspace_id = $1 AND company_id = $2`);

const BY_NAME = pick(`
  SELECT workspace_id, id, state, version, 1 AS ord FROM companies WHERE workspace_id = $1 AND name = $2 ORDER BY created_at, id LIMIT 1`);

/** After the key in $n (created_at) and $n+1 (id), in the list's direction. */
const keyset = (table: string, direction: 'ASC' | 'DESC', n: number) =>
  `($${n}::bigint IS NULL OR (${table}.created_at, ${table}.${table === 'c' ? 'id' : 'company_id'}) ${direction === 'ASC' ? '>' : '<'} ($${n}::bigint, $${n + 1}::text))`;

const LIST = (direction: 'ASC' | 'DESC') =>
  pick(`
  SELECT c.workspace_id, c.id, c.state, c.version, c.ord FROM (
    SELECT c.*, row_number() OVER (ORDER BY c.created_at ${direction}, c.id ${direction}) AS ord FROM companies c WHERE c.workspace_id = $1 AND ${keyset('c', direction, 2)}
     ORDER BY c.created_at ${direction}, c.id ${direction} OFFSET $4 LIMIT $5) c`);

const TAGGED = (direction: 'ASC' | 'DESC') =>
  pick(`
  SELECT c.workspace_id, c.id, c.state, c.version, t.ord FROM (
    SELECT ct.company_id, row_number() OVER (ORDER BY ct.created_at ${direction}, ct.company_id ${direction}) AS ord FROM company_tags ct WHERE ct.workspace_id = $1 AND ct.tag_id = $2 AND ${keyset('ct', direction, 3)}
     ORDER BY ct.created_at ${direction}, ct.company_id ${direction} OFFSET $5 LIMIT $6) t
    JOIN companies c ON c.workspace_id = $1 AND c.id = t.company_id`);

const CONTACTS = `
  SELECT k.state FROM (
    SELECT contact_id FROM company_contacts WHERE workspace_id = $1 AND company_id = $2 AND ($3::text IS NULL OR contact_id > $3)
     ORDER BY contact_id OFFSET $4 LIMIT $5) cc
    JOIN contacts k ON k.workspace_id = $1 AND k.id = cc.contact_id
   ORDER BY cc.contact_id`;

/** Reads of the company read models, every one an index range of at most a page (query handlers use these). */
@Injectable()
export class CompanyViews {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async find(workspaceId: string, id: string): Promise<Company | null> {
    return (await this.findMany(workspaceId, [id]))[0] ?? null;
  }

  /** The live companies of these ids, in the order of the ids. */
  async findMany(workspaceId: string, ids: string[]): Promise<Company[]> {
    if (ids.length === 0) return [];
    return this.rows('companies_by_ids', BY_IDS, [workspaceId, ids]);
  }

  async byCompanyId(workspaceId: string, companyId: string): Promise<Company | null> {
    return (await this.rows('companies_by_company_id', BY_COMPANY_ID, [workspaceId, companyId]))[0] ?? null;
  }

  /** Names are not unique: the oldest company of that name. */
  async byName(workspaceId: string, name: string): Promise<Company | null> {
    return (await this.rows('companies_by_name', BY_NAME, [workspaceId, name]))[0] ?? null;
  }

  /** A page of the workspace's companies in (created_at, id) order. */
  page(workspaceId: string, page: PageRequest): Promise<Company[]> {
    const direction = page.order === 'asc' ? 'ASC' : 'DESC';
    return this.rows(`companies_list_${page.order}`, LIST(direction), [workspaceId, ...bounds(page)]);
  }

  /** A page of the companies carrying a tag, in the same order. */
  tagged(workspaceId: string, tagId: string, page: PageRequest): Promise<Company[]> {
    if (!isNumericId(tagId)) return Promise.resolve([]);
    const direction = page.order === 'asc' ? 'ASC' : 'DESC';
    return this.rows(`companies_tagged_${page.order}`, TAGGED(direction), [workspaceId, tagId, ...bounds(page)]);
  }

  /** The workspace's companies (key ''), or those carrying a tag: a sum of at most COUNTER_SLOTS rows. */
  async count(workspaceId: string, tagId?: string): Promise<number> {
    if (tagId !== undefined && !isNumericId(tagId)) return 0;
    const { rows } = await this.pool.query({
      name: 'company_counts_sum',
      text: 'SELECT coalesce(sum(n), 0)::int AS n FROM company_counts WHERE workspace_id = $1 AND key = $2',
      values: [workspaceId, tagId === undefined ? '' : `tag:${tagId}`],
    });
    return rows[0].n;
  }

  /** A page of the contacts that hold a company, by contact id (company_contacts' key order). */
  async contacts(workspaceId: string, companyId: string, after: string | null, offset: number, limit: number): Promise<ContactState[]> {
    const { rows } = await this.pool.query({ name: 'company_contacts_page', text: CONTACTS, values: [workspaceId, companyId, after, offset, limit] });
    return rows.map((row) => row.state);
  }

  private async rows(name: string, text: string, values: unknown[]): Promise<Company[]> {
    const { rows } = await this.pool.query({ name, text, values });
    return rows;
  }
}

const bounds = (page: PageRequest) => [page.after?.created_at ?? null, page.after?.id ?? null, page.after ? 0 : page.offset, page.limit];
