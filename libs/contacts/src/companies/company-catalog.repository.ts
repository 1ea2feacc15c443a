import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import { IntercomError, LIMITS, ParameterInvalidError, newObjectId, nowInSeconds } from '@app/intercom';
import type pg from 'pg';
import type { CustomValue } from '../domain/contact.events.js';
import { contactColumns } from '../store/contact-state.columns.js';

/** A company: a plain row of the company catalog, not event-sourced. Contacts refer to it by `id` in their CompanyAttached events. */
export interface Company {
  id: string;
  workspace_id: string;
  company_id: string;
  name: string | null;
  plan: string | null;
  monthly_spend: number | null;
  size: number | null;
  website: string | null;
  industry: string | null;
  custom_attributes: Record<string, CustomValue>;
  remote_created_at: number | null;
  created_at: number;
  updated_at: number;
  /** The contacts it is attached to. */
  user_count: number;
}

/** POST /companies: fields left out keep their value, null clears one; custom attributes merge per key. */
export interface CompanyInput {
  company_id: string;
  name?: string | null;
  plan?: string | null;
  size?: number | null;
  website?: string | null;
  industry?: string | null;
  monthly_spend?: number | null;
  remote_created_at?: number;
  custom_attributes?: Record<string, CustomValue | null>;
}

export class CompanyNotFoundError extends IntercomError {
  constructor() {
    super('company_not_found', 404, 'Company Not Found');
  }
}

export class CompanyNotSpecifiedError extends IntercomError {
  constructor() {
    super('parameter_not_found', 400, 'company not specified');
  }
}

export class CompanyAttributeLimitError extends ParameterInvalidError {
  constructor() {
    super(`A company can hold at most ${LIMITS.customAttributesPerObject} custom attributes`, 'custom_attributes');
  }
}

// The contacts table keeps each contact's company ids in its state: a company's user count is a count over them.
const COLUMNS = `c.id, c.workspace_id, c.company_id, c.name, c.plan, c.monthly_spend, c.size, c.website, c.industry, c.custom_attributes,
  c.remote_created_at, c.created_at, c.updated_at,
  (SELECT count(*) FROM contacts k WHERE k.workspace_id = c.workspace_id AND ${contactColumns('k').ids('company_ids')} @> jsonb_build_array(c.id))::int AS user_count`;

// The fields the request sent, as one jsonb parameter: `P ? 'name'` tells a field sent as null from one left out.
const P = '$4::jsonb';
const kept = (field: string, cast = 'text') => `CASE WHEN ${P} ? '${field}' THEN (${P}->>'${field}')::${cast} ELSE c.${field} END`;

// Without remote_created_at, Intercom's examples show it equal to created_at.
const UPSERT = `
  INSERT INTO companies AS c (workspace_id, id, company_id, name, plan, size, website, industry, monthly_spend, custom_attributes, remote_created_at, created_at, updated_at)
  VALUES ($1, $2, $3, ${P}->>'name', ${P}->>'plan', (${P}->>'size')::integer, ${P}->>'website', ${P}->>'industry', (${P}->>'monthly_spend')::double precision,
          jsonb_strip_nulls(coalesce(${P}->'custom_attributes', '{}')), coalesce((${P}->>'remote_created_at')::bigint, $5::bigint), $5, $5)
  ON CONFLICT (workspace_id, company_id) DO UPDATE SET
    name = ${kept('name')}, plan = ${kept('plan')}, size = ${kept('size', 'integer')}, website = ${kept('website')},
    industry = ${kept('industry')}, monthly_spend = ${kept('monthly_spend', 'double precision')}, remote_created_at = ${kept('remote_created_at', 'bigint')},
    custom_attributes = jsonb_strip_nulls(c.custom_attributes || coalesce(${P}->'custom_attributes', '{}')),
    updated_at = $5
  -- The merged attributes must stay within the limit (a new company's are checked by the request): else no row.
  WHERE (SELECT count(*) FROM jsonb_object_keys(jsonb_strip_nulls(c.custom_attributes || coalesce(${P}->'custom_attributes', '{}')))) <= $6
  RETURNING ${COLUMNS}`;

@Injectable()
export class CompanyCatalog {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Intercom's create-or-update: company_id (the client's own id) finds the company, else a new one is made. */
  async save(workspaceId: string, { company_id, ...fields }: CompanyInput): Promise<Company> {
    // Intercom stores whole numbers of monthly spend: 155.98 becomes 155.
    if (typeof fields.monthly_spend === 'number') fields.monthly_spend = Math.trunc(fields.monthly_spend);
    const values = [workspaceId, newObjectId(), company_id, JSON.stringify(fields), nowInSeconds(), LIMITS.customAttributesPerObject];
    const { rows } = await this.pool.query(UPSERT, values);
    if (!rows[0]) throw new CompanyAttributeLimitError();
    return rows[0] as Company;
  }

  async find(workspaceId: string, id: string): Promise<Company | null> {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM companies c WHERE c.workspace_id = $1 AND c.id = $2`, [workspaceId, id]);
    return (rows[0] as Company | undefined) ?? null;
  }

  /** The companies of these ids, in the order of the ids. */
  async findMany(workspaceId: string, ids: string[]): Promise<Company[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM companies c WHERE c.workspace_id = $1 AND c.id = ANY($2::text[])`, [workspaceId, ids]);
    const byId = new Map(rows.map((row) => [row.id as string, (row as Company)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}

