import { isNumericId } from '../application/numeric-id.js';
import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import type pg from 'pg';
import type { ConsentType } from '../domain/contact.events.js';

/** A row of the workspace's subscription_types (they belong to the workspace, not to a contact). */
export interface SubscriptionType {
  id: string;
  name: string;
  description: string;
  state: 'live' | 'draft' | 'archived';
  /** The type's own consent: opt_out types reach everyone who has not opted out, opt_in types only those who opted in. */
  consent_type: ConsentType;
  content_types: string[];
}

const COLUMNS = 'id::text AS id, name, description, state, consent_type, content_types';
// Ids are bigint identities; anything else names no type (and must not reach a ::bigint cast).

@Injectable()
export class SubscriptionTypeRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async list(workspaceId: string): Promise<SubscriptionType[]> {
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM subscription_types WHERE workspace_id = $1 ORDER BY id`, [workspaceId]);
    return rows;
  }

  async find(workspaceId: string, id: string): Promise<SubscriptionType | null> {
    if (!isNumericId(id)) return null;
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM subscription_types WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  /** The types of these ids, in the order of the ids. */
  async findMany(workspaceId: string, ids: string[]): Promise<SubscriptionType[]> {
    const wanted = ids.filter(isNumericId);
    if (wanted.length === 0) return [];
    const { rows } = await this.pool.query(`SELECT ${COLUMNS} FROM subscription_types WHERE workspace_id = $1 AND id = ANY($2::bigint[])`, [workspaceId, wanted]);
    const byId = new Map(rows.map((type: SubscriptionType) => [type.id, type]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }
}
