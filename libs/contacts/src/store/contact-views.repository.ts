import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import type pg from 'pg';
import { contactColumns } from './contact-state.columns.js';
import type { ContactView } from './contact.repository.js';
import { ReadBatcher } from './read-batcher.js';

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

// The newest merges into each of a page's users: one index range (contact_merges_into_idx, read backwards) per user.
const RECENT_MERGES_INTO = `
  SELECT u.id AS into_id, m.from_id, m.merged_at
    FROM unnest($2::text[]) WITH ORDINALITY AS u(id, ord)
    CROSS JOIN LATERAL (
      SELECT from_id, merged_at FROM contact_merges
       WHERE workspace_id = $1 AND into_id = u.id AND ($4::bigint IS NULL OR merged_at <= $4)
       ORDER BY merged_at DESC, from_id DESC LIMIT $3) m
   ORDER BY u.ord, m.merged_at DESC, m.from_id DESC`;

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
  // Concurrent reads by id share one query per workspace and turn of the event loop (issue 12): a GET's cost in
  // PostgreSQL and in the pool's writes is mostly per query, not per row.
  private readonly byId = new ReadBatcher<ContactView>((workspaceId, ids) => this.findMany(workspaceId, ids));

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  find(workspaceId: string, id: string): Promise<ContactView | null> {
    return this.byId.load(workspaceId, id);
  }

  private async findMany(workspaceId: string, ids: string[]): Promise<Map<string, ContactView>> {
    const { rows } = await this.pool.query({
      name: 'contacts_find_many',
      text: 'SELECT id, state, version FROM contacts WHERE workspace_id = $1 AND id = ANY($2::text[])',
      values: [workspaceId, ids],
    });
    return new Map(rows.map(({ id, state, version }) => [id, { state, version }]));
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

  /**
   * The `limit` newest merges into each of these contacts (at most a page of them), newest first, merged at or before
   * `until` when it is given; a contact without merges has no entry.
   */
  async recentMergesInto(workspaceId: string, ids: readonly string[], limit: number, until: number | null = null): Promise<Map<string, MergeRow[]>> {
    const merges = new Map<string, MergeRow[]>();
    if (ids.length === 0) return merges;
    const { rows } = await this.pool.query({ name: 'contact_recent_merges_into', text: RECENT_MERGES_INTO, values: [workspaceId, ids, limit, until] });
    for (const { into_id, from_id, merged_at } of rows) {
      const list = merges.get(into_id) ?? [];
      list.push({ from_id, merged_at: Number(merged_at) });
      merges.set(into_id, list);
    }
    return merges;
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
