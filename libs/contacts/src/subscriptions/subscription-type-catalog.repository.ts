import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import { ResourceNotFoundError, isNumericId } from '@app/intercom';
import type pg from 'pg';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import type { ConsentType } from '../domain/contact.events.js';
import type { ContactViews } from '../store/contact-views.repository.js';

export class SubscriptionTypeNotFoundError extends ResourceNotFoundError {}

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

@Injectable()
export class SubscriptionTypeCatalog {
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

/** The workspace's type; when it is missing, a missing contact is reported first, as for every sub-resource. */
export async function subscriptionTypeFor(types: SubscriptionTypeCatalog, contacts: ContactViews, workspaceId: string, contactId: string, id: string) {
  const type = await types.find(workspaceId, id);
  if (type) return type;
  throw (await contacts.find(workspaceId, contactId)) ? new SubscriptionTypeNotFoundError() : new ContactNotFoundError();
}
