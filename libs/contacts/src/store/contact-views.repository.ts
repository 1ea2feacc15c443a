import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import type pg from 'pg';
import { contactColumns } from './contact-state.columns.js';
import type { ContactView } from './contact.repository.js';

const c = contactColumns('c');

export interface MergeRow {
  from_id: string;
  merged_at: number;
}

export interface MergePageRequest {
  order: 'asc' | 'desc';
  /** The last merge of the previous page; none for the first page. */
  after: MergeRow | null;
  limit: number;
}

const MERGES_INTO = (past: '>' | '<', direction: 'ASC' | 'DESC') => `
  SELECT from_id, merged_at FROM contact_merges
   WHERE workspace_id = $1 AND into_id = $2 AND ($3::bigint IS NULL OR (merged_at, from_id) ${past} ($3::bigint, $4::text))
   ORDER BY merged_at ${direction}, from_id ${direction} LIMIT $5`;

/** Intercom's ways of naming a contact in a list of them (POST /tags `users`): the first one given counts. */
export interface ContactRef {
  id?: string;
  user_id?: string;
  email?: string;
}

// One unique-index probe per reference: by id, else the user of that external_id, else the user of that email.
const RESOLVE_REFS = `
  SELECT r.n, m.id FROM jsonb_to_recordset($2::jsonb) AS r(n int, id text, user_id text, email text)
  LEFT JOIN LATERAL (
    SELECT c.id FROM contacts c WHERE r.id IS NOT NULL AND c.workspace_id = $1 AND c.id = r.id
    UNION ALL
    SELECT c.id FROM contacts c WHERE r.id IS NULL AND r.user_id IS NOT NULL AND c.workspace_id = $1 AND c.external_id = r.user_id AND c.role = 'user'
    UNION ALL
    SELECT c.id FROM contacts c
     WHERE r.id IS NULL AND r.user_id IS NULL AND c.workspace_id = $1 AND c.email_lower = lower(r.email) AND c.role = 'user'
    LIMIT 1) m ON true
  ORDER BY r.n`;

/** Reads of the contacts read model by key: what query handlers use (they never load aggregates). */
@Injectable()
export class ContactViews {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async find(workspaceId: string, id: string): Promise<ContactView | null> {
    const { rows } = await this.pool.query({
      name: 'contacts_find',
      text: 'SELECT state, version FROM contacts WHERE workspace_id = $1 AND id = $2',
      values: [workspaceId, id],
    });
    return rows[0] ?? null;
  }

  async findUserByExternalId(workspaceId: string, externalId: string): Promise<ContactView | null> {
    const { rows } = await this.pool.query({
      name: 'contacts_find_by_external_id',
      text: `SELECT state, version FROM contacts c WHERE c.workspace_id = $1 AND ${c.externalId} = $2 AND ${c.role} = 'user'`,
      values: [workspaceId, externalId],
    });
    return rows[0] ?? null;
  }

  /** The ids of the contacts the references name, in their order; null for a reference that names none. */
  async resolveRefs(workspaceId: string, refs: readonly ContactRef[]): Promise<(string | null)[]> {
    const wanted = refs.map((ref, n) => ({ n, id: ref.id ?? null, user_id: ref.user_id ?? null, email: ref.email ?? null }));
    const { rows } = await this.pool.query({ name: 'contacts_resolve_refs', text: RESOLVE_REFS, values: [workspaceId, JSON.stringify(wanted)] });
    return rows.map((row) => row.id ?? null);
  }

  /**
   * One page of the leads merged into this contact (the `contact_merges` read model), by merge time then
   * id, after the key `after` in that order: one index range of `limit` rows, however many merges there are.
   */
  async mergesInto(workspaceId: string, id: string, page: MergePageRequest): Promise<MergeRow[]> {
    const { rows } = await this.pool.query({
      name: page.order === 'asc' ? 'contact_merges_into_asc' : 'contact_merges_into_desc',
      text: page.order === 'asc' ? MERGES_INTO('>', 'ASC') : MERGES_INTO('<', 'DESC'),
      values: [workspaceId, id, page.after?.merged_at ?? null, page.after?.from_id ?? null, page.limit],
    });
    return rows;
  }

  /** The live contact a merged-away one ended up in, following up to three merges; null when never merged. */
  async mergedInto(workspaceId: string, id: string): Promise<string | null> {
    const { rows } = await this.pool.query(
      `WITH RECURSIVE hops AS (
         SELECT into_id, 1 AS depth FROM contact_merges WHERE workspace_id = $1 AND from_id = $2
         UNION ALL
         SELECT m.into_id, h.depth + 1 FROM contact_merges m JOIN hops h ON m.workspace_id = $1 AND m.from_id = h.into_id WHERE h.depth < 3
       )
       SELECT into_id FROM hops ORDER BY depth DESC LIMIT 1`,
      [workspaceId, id],
    );
    return rows[0]?.into_id ?? null;
  }
}
