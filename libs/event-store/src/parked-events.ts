import type { Queryable } from './checkpoints.js';
import type { StoredEvent } from './event.js';

/**
 * Thrown by a log processor for an event it can never handle as it is (NATS refuses its size, a
 * mapping throws on its payload). The subscription parks such an event and goes on. Any other error
 * means the world is down (the database, NATS): the batch rolls back and is read again, as always.
 */
export class PoisonEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonEventError';
  }
}

export function isPoison(error: unknown): error is PoisonEventError {
  return error instanceof PoisonEventError;
}

/** Stored and logged instead of the event: bounded, and never the payload. */
export const PARKED_ERROR_MAX_CHARS = 2000;

export function parkedErrorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > PARKED_ERROR_MAX_CHARS ? `${text.slice(0, PARKED_ERROR_MAX_CHARS - 3)}...` : text;
}

/**
 * For an erasure, a statement of its append (it reads the `stream` CTE): the errors of the owner's parked events
 * are replaced, since an error's text may quote a value. The rows stay, so that the events are still retried (they
 * decode with their values erased).
 */
export function parkedErrorsErasure(workspaceId: string, streamIds: readonly string[], bind: (value: unknown) => string): string {
  return `UPDATE es_parked_events SET error = '[erased]'
           WHERE workspace_id = ${bind(workspaceId)} AND stream_id = ANY(${bind(streamIds)}::text[]) AND EXISTS (SELECT 1 FROM stream)`;
}

export interface ParkedEvent {
  id: number;
  processor: string;
  transaction_id: string;
  global_position: number;
  workspace_id: string;
  stream_id: string;
  stream_position: number;
  event_id: string;
  event_type: string;
  /** The first parked event of the same stream, which this one waits behind; null for that first one. */
  held_behind: string | null;
  error: string;
  attempts: number;
  parked_at: Date;
  last_attempt_at: Date;
}

const PARKED_COLUMNS = `id, processor, transaction_id::text AS transaction_id, global_position,
  workspace_id, stream_id, stream_position, event_id, event_type, held_behind, error, attempts,
  parked_at, last_attempt_at`;

const streamKey = (workspaceId: string, streamId: string) => `${workspaceId}/${streamId}`;
export const streamKeyOf = (event: Pick<StoredEvent, 'workspaceId' | 'streamId'>) => streamKey(event.workspaceId, event.streamId);

/**
 * Serialises a live batch about to hold events behind a parked one and a retry taking a stream's
 * parked events away. Without it, an event could be held behind one a retry had just delivered and
 * removed, unseen by that retry, and wait for nothing. A stream with no parked event needs no lock:
 * only the live instance parks, so none can appear behind its back.
 */
export async function lockParked(db: Queryable, processor: string): Promise<void> {
  await db.query({ name: 'es_lock_parked', text: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', values: [`es_parked:${processor}`] });
}

export async function anyParked(db: Queryable, processor: string): Promise<boolean> {
  const { rows } = await db.query({
    name: 'es_any_parked',
    text: 'SELECT EXISTS (SELECT 1 FROM es_parked_events WHERE processor = $1) AS any',
    values: [processor],
  });
  return rows[0].any;
}

/** For each stream of `events` that has parked events: the first of them, which later events are held behind. */
export async function parkedStreams(db: Queryable, processor: string, events: StoredEvent[]): Promise<Map<string, string>> {
  const { rows } = await db.query({
    name: 'es_parked_streams',
    text: `SELECT DISTINCT ON (p.workspace_id, p.stream_id) p.workspace_id, p.stream_id, p.event_id AS blocker
             FROM es_parked_events p
            WHERE p.processor = $1 AND (p.workspace_id, p.stream_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
            ORDER BY p.workspace_id, p.stream_id, p.transaction_id, p.global_position`,
    values: [processor, events.map((e) => e.workspaceId), events.map((e) => e.streamId)],
  });
  return new Map(rows.map((row) => [streamKey(row.workspace_id, row.stream_id), row.blocker]));
}

/** Call it in the processor's transaction, with its checkpoint. A second park of the same event changes nothing. */
export async function parkEvent(db: Queryable, processor: string, event: StoredEvent, error: string, heldBehind?: string): Promise<void> {
  await db.query({
    name: 'es_park_event',
    text: `INSERT INTO es_parked_events (processor, transaction_id, global_position, workspace_id, stream_id, stream_position, event_id, event_type, held_behind, error)
           VALUES ($1, $2::xid8, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (processor, event_id) DO NOTHING`,
    values: [processor, event.transactionId, event.globalPosition, event.workspaceId, event.streamId, event.streamPosition, event.eventId, event.type, heldBehind ?? null, error],
  });
}

/** Oldest first; optionally one processor's. */
export async function listParked(db: Queryable, processor?: string): Promise<ParkedEvent[]> {
  const { rows } = await db.query({
    name: 'es_list_parked',
    text: `SELECT ${PARKED_COLUMNS} FROM es_parked_events WHERE $1::text IS NULL OR processor = $1
            ORDER BY es_parked_events.transaction_id, global_position, processor`,
    values: [processor ?? null],
  });
  return rows;
}

/** The first parked event of one stream, locked for a retry (another retry waits, then finds the next). */
export async function firstParkedOfStream(db: Queryable, processor: string, workspaceId: string, streamId: string): Promise<ParkedEvent | undefined> {
  const { rows } = await db.query({
    name: 'es_first_parked_of_stream',
    text: `SELECT ${PARKED_COLUMNS} FROM es_parked_events WHERE processor = $1 AND workspace_id = $2 AND stream_id = $3
            ORDER BY es_parked_events.transaction_id, global_position LIMIT 1 FOR UPDATE`,
    values: [processor, workspaceId, streamId],
  });
  return rows[0];
}

export async function unpark(db: Queryable, id: number): Promise<void> {
  await db.query({ name: 'es_unpark', text: 'DELETE FROM es_parked_events WHERE id = $1', values: [id] });
}

export async function countFailedAttempt(db: Queryable, id: number, error: string): Promise<void> {
  await db.query({
    name: 'es_parked_attempt',
    text: 'UPDATE es_parked_events SET attempts = attempts + 1, error = $2, last_attempt_at = now() WHERE id = $1',
    values: [id, error],
  });
}
