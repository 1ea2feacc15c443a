import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, PG_POOL, PostgresEventStore, type StoredEvent, StreamVersionConflictError } from '@app/event-store';
import type pg from 'pg';
import type { DataEventStreamState } from '../domain/data-event.aggregate.js';
import { DATA_EVENT_STREAM, type DataEvent, dataEventStreamId } from '../domain/data-event.events.js';
import { ContactBusyError, ContactNotFoundError } from '../domain/contact.errors.js';
import { contactColumns } from '../store/contact-state.columns.js';
import { WriteQueues } from '../store/write-queues.js';
import { inlineDataEventProjection, projectDataEvents } from './data-event.projection.js';

/** How a request names the contact: Intercom's `id` / `intercom_user_id`, `user_id` (users only) or `email` (users only). */
export interface ContactLookup {
  by: 'id' | 'user_id' | 'email';
  value: string;
}

export interface DataEventStream extends DataEventStreamState {
  workspaceId: string;
  version: number;
}

/** A summary row: per contact and event name. */
export interface SummaryRow {
  event_name: string;
  count: number;
  first_at: number;
  last_at: number;
}

export interface ContactIdentity {
  id: string;
  user_id: string | null;
  email: string | null;
}

const c = contactColumns('c');
// Leads share emails and have no user_id: Intercom finds them by id only.
const WHERE: Record<ContactLookup['by'], string> = {
  id: `c.id = $2`,
  user_id: `${c.externalId} = $2 AND ${c.role} = 'user'`,
  email: `${c.emailLower} = lower($2) AND ${c.role} = 'user'`,
};
const IDENTITY = `c.id, ${c.externalId} AS user_id, ${c.text('email')} AS email`;

// One read: the contact, its summary names, the stream's version (the greatest version of its summary rows, which
// every append writes), and whether this event's de-duplication key is taken.
const LOAD = (by: ContactLookup['by']) => `
  SELECT ${IDENTITY},
         coalesce((SELECT max(s.version) FROM contact_event_summaries s WHERE s.workspace_id = $1 AND s.contact_id = c.id), 0) AS version,
         coalesce((SELECT array_agg(s.event_name) FROM contact_event_summaries s WHERE s.workspace_id = $1 AND s.contact_id = c.id), '{}') AS names,
         ($3::text IS NOT NULL AND EXISTS (SELECT 1 FROM contact_data_event_keys k
            WHERE k.workspace_id = $1 AND k.contact_id = c.id AND k.event_name = $3 AND k.created_at = $4)) AS duplicate
    FROM contacts c WHERE c.workspace_id = $1 AND ${WHERE[by]}`;

const SUMMARIES = `
  SELECT event_name, count, first_at, last_at FROM contact_event_summaries
   WHERE workspace_id = $1 AND contact_id = $2 ORDER BY first_at, event_name`;

const MAX_ATTEMPTS = 8;
const DUPLICATE_KEY = 'contact_data_event_keys_pkey';

/**
 * Load, decide, save for a contact's data-event stream, and the reads of its events and summaries. Saving appends
 * with the expected version and, in the same statement, upserts the summary row of each event's name and (for a
 * tracked event) inserts its de-duplication key. Writers of one contact queue up in this process; a stale version
 * is retried from a fresh load.
 */
@Injectable()
export class DataEventRepository {
  private readonly queues = new WriteQueues();

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  /** The recorded events (none for a duplicate). `key` is the de-duplication key of a tracked event. */
  async write(
    workspaceId: string,
    lookup: ContactLookup,
    key: { event_name: string; created_at: number } | null,
    metadata: EventMetadata,
    decide: (stream: DataEventStream) => DataEvent[],
  ): Promise<DataEvent[]> {
    // Keyed by the lookup, which is known before the load: writers naming the contact another way meet at the version.
    return this.queues.serialize([workspaceId, `${lookup.by}:${lookup.value}`], async () => {
      for (let attempt = 1; ; attempt++) {
        const stream = await this.load(workspaceId, lookup, key);
        const events = decide(stream);
        if (events.length === 0) return events;
        try {
          await this.save(stream, events, metadata);
          return events;
        } catch (error) {
          if ((error as { constraint?: string }).constraint === DUPLICATE_KEY) return [];
          if (!(error instanceof StreamVersionConflictError)) throw error;
          if (attempt >= MAX_ATTEMPTS) throw new ContactBusyError();
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
        }
      }
    });
  }

  async load(workspaceId: string, lookup: ContactLookup, key: { event_name: string; created_at: number } | null): Promise<DataEventStream> {
    const { rows } = await this.pool.query({
      name: `data_events_load_${lookup.by}`,
      text: LOAD(lookup.by),
      values: [workspaceId, lookup.value, key?.event_name ?? null, key?.created_at ?? null],
    });
    const row = rows[0];
    if (!row) throw new ContactNotFoundError();
    return {
      workspaceId,
      contactId: row.id,
      userId: row.user_id,
      email: row.email,
      names: new Set(row.names),
      duplicate: row.duplicate,
      version: Number(row.version),
    };
  }

  async contact(workspaceId: string, lookup: ContactLookup): Promise<ContactIdentity> {
    const { rows } = await this.pool.query({
      name: `data_events_contact_${lookup.by}`,
      text: `SELECT ${IDENTITY} FROM contacts c WHERE c.workspace_id = $1 AND ${WHERE[lookup.by]}`,
      values: [workspaceId, lookup.value],
    });
    if (!rows[0]) throw new ContactNotFoundError();
    return rows[0];
  }

  /** At most EVENT_LIMITS.namesPerContact rows, by the primary key's prefix. */
  async summaries(workspaceId: string, contactId: string): Promise<SummaryRow[]> {
    const { rows } = await this.pool.query({ name: 'data_events_summaries', text: SUMMARIES, values: [workspaceId, contactId] });
    return rows.map((row) => ({ event_name: row.event_name, count: Number(row.count), first_at: Number(row.first_at), last_at: Number(row.last_at) }));
  }

  /** The contact's tracked events newest first, below a stream position (0: from the newest). */
  page(workspaceId: string, contactId: string, before: number, limit: number): Promise<StoredEvent[]> {
    return this.store.readStreamBackward(workspaceId, dataEventStreamId(contactId), 'DataEventTracked', before, limit);
  }

  // A first append that meets a stream created meanwhile fails on the version like any other (CREATE_STREAM).
  private async save(stream: DataEventStream, events: DataEvent[], metadata: EventMetadata): Promise<void> {
    await this.store.append({
      workspaceId: stream.workspaceId,
      streamId: dataEventStreamId(stream.contactId),
      streamType: DATA_EVENT_STREAM,
      expectedVersion: stream.version,
      events,
      metadata,
      projection: inlineDataEventProjection(stream.workspaceId, stream.contactId, projectDataEvents(stream.version, events)),
    });
  }
}
