import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, PG_POOL, PostgresEventStore, type StoredEvent, StreamVersionConflictError, readStreamRanges } from '@app/event-store';
import type pg from 'pg';
import type { DataEventStreamState } from '../domain/data-event.aggregate.js';
import { DATA_EVENT_STREAM, type DataEvent, dataEventStreamId } from '../domain/data-event.events.js';
import { ContactBusyError, ContactNotFoundError } from '../domain/contact.errors.js';
import { contactColumns } from '../store/contact-state.columns.js';
import { WriteQueues } from '../store/write-queues.js';
import { inlineDataEventProjection, projectDataEvents } from './data-event.projection.js';
import type { EventListCursor } from './event-list-cursor.js';

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

/** A listed event and its place in the list. */
export interface ListedEvent {
  event: StoredEvent;
  cursor: EventListCursor;
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

// The contact and the leads merged into it (contact_merges_into_idx): their data-event streams are the contact's
// events. A merge moves no event row, so a lead with many events costs the merge nothing and the log stays as it is.
const SOURCES = `SELECT $2::text AS id UNION ALL SELECT from_id FROM contact_merges WHERE workspace_id = $1 AND into_id = $2`;

// Each source's rows are its own (at most EVENT_LIMITS.namesPerContact), added up per name.
const SUMMARIES = `
  SELECT event_name, sum(count) AS count, min(first_at) AS first_at, max(last_at) AS last_at FROM contact_event_summaries
   WHERE workspace_id = $1 AND contact_id IN (${SOURCES})
   GROUP BY event_name ORDER BY min(first_at), event_name`;

// A page: at most $6 rows from each source, each one index range (contact_data_event_keys_list_idx) newest first,
// from below the cursor ($3-$5) down to $7 (the oldest created_at listed), then the newest $6 of them.
const PAGE = `
  SELECT k.contact_id, k.created_at, k.stream_position FROM (${SOURCES}) source
   CROSS JOIN LATERAL (
     SELECT contact_id, created_at, stream_position FROM contact_data_event_keys
      WHERE workspace_id = $1 AND contact_id = source.id AND created_at >= $7
        AND ($3::bigint IS NULL OR (created_at <= $3 AND (created_at, contact_id, stream_position) < ($3, $4, $5)))
      ORDER BY created_at DESC, stream_position DESC LIMIT $6) k
   ORDER BY k.created_at DESC, k.contact_id DESC, k.stream_position DESC LIMIT $6`;

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

  /** Per name, over the contact's stream and those of the leads merged into it: at most 500 names each, by the primary key's prefix. */
  async summaries(workspaceId: string, contactId: string): Promise<SummaryRow[]> {
    const { rows } = await this.pool.query({ name: 'data_events_summaries', text: SUMMARIES, values: [workspaceId, contactId] });
    return rows.map((row) => ({ event_name: row.event_name, count: Number(row.count), first_at: Number(row.first_at), last_at: Number(row.last_at) }));
  }

  /**
   * The contact's tracked events (its own and those of the leads merged into it) newest first by created_at, below
   * `before` (null: from the newest), created at or after `since`: the keys of a page, then its events by key.
   */
  async page(workspaceId: string, contactId: string, before: EventListCursor | null, since: number, limit: number): Promise<ListedEvent[]> {
    const { rows } = await this.pool.query({
      name: 'data_events_page',
      text: PAGE,
      values: [workspaceId, contactId, before?.created_at ?? null, before?.contact_id ?? null, before?.stream_position ?? null, limit, since],
    });
    const ranges = rows.map((row) => ({ workspaceId, streamId: dataEventStreamId(row.contact_id), from: Number(row.stream_position), to: Number(row.stream_position) }));
    const events = new Map((await readStreamRanges(this.pool, this.store, ranges)).map((e) => [`${e.streamId}/${e.streamPosition}`, e]));
    return rows.flatMap((row) => {
      const event = events.get(`${dataEventStreamId(row.contact_id)}/${row.stream_position}`);
      const cursor = { created_at: Number(row.created_at), contact_id: row.contact_id, stream_position: Number(row.stream_position) };
      return event ? [{ event, cursor }] : [];
    });
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
