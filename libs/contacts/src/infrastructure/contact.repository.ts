import { Inject, Injectable } from '@nestjs/common';
import { type AppendRequest, type EventMetadata, PG_POOL, PostgresEventStore } from '@app/event-store';
import { projectContact } from './contact-view.projection.js';
import type pg from 'pg';
import { Contact, type ContactState, type DataType } from '../domain/contact.aggregate.js';
import { ContactConflictError } from '../domain/contact.errors.js';

/** A row of the contacts read model: the folded state and the stream version it reflects. */
export interface ContactView {
  state: ContactState;
  version: number;
}

export interface LoadedContact {
  contact: Contact | null;
  dataAttributes: ReadonlyMap<string, DataType>;
  admins: ReadonlySet<number>;
}

export const CONTACT_STREAM = 'contact';

/** What a decision needs loaded beside the contact: the data attribute types, whether an admin exists. */
export interface LoadNeeds {
  customAttributes?: boolean;
  adminId?: number | null;
}

// One round trip loads the contact (its version included) and whatever the decision needs.
// Admins belong to the workspaces library; reading them here saves a round trip on every write.
const LOAD = `
  SELECT c.state, c.version,
         CASE WHEN $3::boolean THEN (
           SELECT coalesce(jsonb_object_agg(name, data_type), '{}'::jsonb)
             FROM data_attributes WHERE workspace_id = $1 AND model = 'contact' AND NOT archived
         ) END AS data_attributes,
         EXISTS (SELECT 1 FROM admins WHERE workspace_id = $1 AND id = $4::bigint) AS owner_is_admin
    FROM (SELECT 1) AS one
    LEFT JOIN contacts c ON c.workspace_id = $1 AND c.id = $2`;

@Injectable()
export class ContactRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  async load(workspaceId: string, id: string, needs: LoadNeeds): Promise<LoadedContact> {
    const ownerId = needs.adminId ?? null;
    const { rows } = await this.pool.query({ name: 'contacts_load', text: LOAD, values: [workspaceId, id, needs.customAttributes ?? false, ownerId] });
    const row = rows[0];
    return {
      contact: row.state ? Contact.fromSnapshot(row.state, row.version) : null,
      dataAttributes: new Map(Object.entries(row.data_attributes ?? {})) as Map<string, DataType>,
      admins: new Set(row.owner_is_admin && ownerId !== null ? [ownerId] : []),
    };
  }

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
      text: `SELECT state, version FROM contacts WHERE workspace_id = $1 AND external_id = $2 AND role = 'user'`,
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

  /** Appends the contact's new events and projects them in the same statement; returns the committed row. */
  async save(contact: Contact, metadata: EventMetadata): Promise<ContactView> {
    try {
      const result = await this.store.append<ContactView>(this.appendRequest(contact, metadata));
      // A deleted or merged-away contact has no row any more: its final state is the aggregate's.
      const row = result.projected[0];
      return row?.state ? row : { state: contact.state, version: result.version };
    } catch (error) {
      throw await this.explainUniqueViolation(error, contact.state);
    }
  }

  /** Several contacts in one transaction (a merge): all or nothing. */
  async saveAll(contacts: Contact[], metadata: EventMetadata): Promise<void> {
    try {
      await this.store.appendAll(contacts.map((contact) => this.appendRequest(contact, metadata)));
    } catch (error) {
      throw await this.explainUniqueViolation(error, contacts[0].state);
    }
  }

  private appendRequest(contact: Contact, metadata: EventMetadata): AppendRequest {
    const state = contact.state;
    return {
      workspaceId: state.workspace_id,
      streamId: state.id,
      streamType: CONTACT_STREAM,
      expectedVersion: contact.version,
      events: [...contact.pendingEvents],
      metadata,
      projection: (bind) => projectContact(state, contact.pendingEvents, bind),
    };
  }

  private async explainUniqueViolation(error: unknown, state: ContactState): Promise<unknown> {
    const constraint = (error as { code?: string; constraint?: string }).code === '23505' ? (error as { constraint?: string }).constraint : undefined;
    if (constraint !== 'contacts_user_email_key' && constraint !== 'contacts_user_external_id_key') return error;
    const byEmail = constraint === 'contacts_user_email_key';
    const { rows } = await this.pool.query(
      `SELECT id, coalesce((state->>'archived')::boolean, false) AS archived FROM contacts
        WHERE workspace_id = $1 AND role = 'user' AND ${byEmail ? 'email_lower = lower($2)' : 'external_id = $2'}`,
      [state.workspace_id, byEmail ? state.email : state.external_id],
    );
    return rows[0] ? new ContactConflictError(rows[0].id, rows[0].archived) : error;
  }
}
