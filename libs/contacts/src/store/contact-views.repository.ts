import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import type pg from 'pg';
import { contactColumns } from './contact-state.columns.js';
import type { ContactView } from './contact.repository.js';

const c = contactColumns('c');

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

  /** Leads merged into this contact, in merge order (the `contact_merges` read model). */
  async mergesInto(workspaceId: string, id: string): Promise<{ from_id: string; merged_at: number }[]> {
    const { rows } = await this.pool.query(
      'SELECT from_id, merged_at FROM contact_merges WHERE workspace_id = $1 AND into_id = $2 ORDER BY merged_at, from_id',
      [workspaceId, id],
    );
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
