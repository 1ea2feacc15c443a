import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, PostgresEventStore, type Queryable, type StoredEvent, type StreamKey } from '@app/event-store';
import type pg from 'pg';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { type ContactEvent, UnknownContactEventError, toContactEvent } from '../domain/contact.events.js';
import { type ContactState, evolve } from '../domain/contact.state.js';
import { SNAPSHOT_EVERY } from './read-model.projection.js';

/** The state of a contact's stream at a version; version 0 and no state is the start of the stream. */
export interface Snapshot {
  version: number;
  state: ContactState | null;
}

export const STREAM_START: Snapshot = Object.freeze({ version: 0, state: null });

/** One event of a replay with the state before and after it. */
export interface ReplayStep {
  event: StoredEvent;
  before: ContactState | null;
  after: ContactState;
}

const AT_OR_BEFORE = `
  SELECT version, state FROM contact_snapshots
   WHERE workspace_id = $1 AND contact_id = $2 AND version <= $3 ORDER BY version DESC LIMIT 1`;

const OCCURRED_BY = `
  SELECT version, state FROM contact_snapshots
   WHERE workspace_id = $1 AND contact_id = $2 AND occurred_at <= $3 ORDER BY version DESC LIMIT 1`;

/**
 * Reads of a contact's past that stay bounded: start from the nearest snapshot the projection wrote
 * (every SNAPSHOT_EVERY versions, read-model.projection.ts) and fold only the events after it. A contact
 * without snapshots (written before they existed) replays from the start, still SNAPSHOT_EVERY events
 * at a time, so memory stays bounded even then.
 */
@Injectable()
export class ContactSnapshots {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  /** The latest snapshot at or before a version. */
  async atOrBefore(workspaceId: string, contactId: string, version: number): Promise<Snapshot> {
    const { rows } = await this.pool.query({ name: 'contact_snapshot_at_or_before', text: AT_OR_BEFORE, values: [workspaceId, contactId, version] });
    return rows[0] ?? STREAM_START;
  }

  /** The latest snapshot whose last event occurred at or before `at` (Unix seconds). */
  async occurredBy(workspaceId: string, contactId: string, at: number): Promise<Snapshot> {
    const { rows } = await this.pool.query({ name: 'contact_snapshot_occurred_by', text: OCCURRED_BY, values: [workspaceId, contactId, at] });
    return rows[0] ?? STREAM_START;
  }

  /** The stream's state at its version, from the nearest snapshot: also a contact's that has no row (deleted, merged away). */
  async current(workspaceId: string, contactId: string): Promise<Snapshot> {
    const version = await this.store.streamVersion(workspaceId, contactId);
    if (version === 0) return STREAM_START;
    const from = await this.atOrBefore(workspaceId, contactId, version);
    let state = from.state;
    for await (const { after } of this.replay(workspaceId, contactId, from, version)) state = after;
    return { version, state };
  }

  /**
   * The events after `from` up to version `to`, folded one by one with the aggregate's `evolve`. Reads
   * SNAPSHOT_EVERY events at a time, so a consumer that stops early reads no further.
   */
  async *replay(workspaceId: string, contactId: string, from: Snapshot, to = Number.MAX_SAFE_INTEGER): AsyncGenerator<ReplayStep> {
    let state = from.state;
    for (let first = from.version + 1; first <= to; first += SNAPSHOT_EVERY) {
      const last = Math.min(to, first + SNAPSHOT_EVERY - 1);
      const events = await this.store.readStreamRange(workspaceId, contactId, first, last);
      for (const event of events) {
        const before = state;
        state = evolve(state, asContactEvent(event));
        yield { event, before, after: state };
      }
      if (events.length < last - first + 1) return;
    }
  }
}

/**
 * For each wanted position, the nearest snapshot at or before it, in one round trip: what a log
 * processor (the webhook notifier) folds a batch from, on its batch's transaction. Snapshots not found
 * are left out: such a position folds from the start of its stream.
 */
export async function snapshotsAtOrBefore(db: Queryable, wanted: (StreamKey & { position: number })[]): Promise<(StreamKey & Snapshot)[]> {
  if (wanted.length === 0) return [];
  const { rows } = await db.query({
    name: 'contact_snapshots_at_or_before',
    text: `SELECT DISTINCT ON (s.workspace_id, s.contact_id, s.version) s.workspace_id, s.contact_id, s.version, s.state
             FROM unnest($1::text[], $2::text[], $3::bigint[]) AS w(ws, sid, pos)
             CROSS JOIN LATERAL (
               SELECT workspace_id, contact_id, version, state FROM contact_snapshots
                WHERE workspace_id = w.ws AND contact_id = w.sid AND version <= w.pos ORDER BY version DESC LIMIT 1) s`,
    values: [wanted.map((w) => w.workspaceId), wanted.map((w) => w.streamId), wanted.map((w) => w.position)],
  });
  return rows.map((row) => ({ workspaceId: row.workspace_id, streamId: row.contact_id, version: row.version, state: row.state }));
}

/** A stream of another type (a company's) is no contact: its id answers as an unknown contact's would. */
function asContactEvent(event: StoredEvent): ContactEvent {
  try {
    return toContactEvent(event);
  } catch (error) {
    if (error instanceof UnknownContactEventError) throw new ContactNotFoundError();
    throw error;
  }
}
