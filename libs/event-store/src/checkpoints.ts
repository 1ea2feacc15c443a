import type pg from 'pg';
import type { StoredEvent } from './event.js';

/** Anything that can run one statement: the pool, a pooled client or a plain client. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/**
 * A point in the log's commit order. Readers order by and resume after this pair, never by
 * global_position alone: a transaction that took position 10 can commit after one that took 11.
 * The xid8 stays a decimal string because it is compared in SQL only.
 */
export interface LogPosition {
  transactionId: string;
  globalPosition: number;
}

export const LOG_START: LogPosition = Object.freeze({ transactionId: '0', globalPosition: 0 });

export function positionOf(event: StoredEvent): LogPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

/** An opaque, URL-safe cursor for readers outside the process (the HTTP change feed). */
export function encodeLogCursor(position: LogPosition): string {
  return Buffer.from(`${position.transactionId}.${position.globalPosition}`).toString('base64url');
}

/** Undefined for anything that is not a cursor we issued, so that bad input never reaches SQL as a cast error. */
export function decodeLogCursor(cursor: string): LogPosition | undefined {
  const match = /^(\d{1,20})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match || BigInt(match[1]) >= 2n ** 64n) return undefined;
  const globalPosition = Number(match[2]);
  return Number.isSafeInteger(globalPosition) ? { transactionId: match[1], globalPosition } : undefined;
}

/** Another writer moved the checkpoint since it was read: the batch must roll back and be read again. */
export class CheckpointConflictError extends Error {
  constructor(readonly processor: string) {
    super(`checkpoint of ${processor} was moved by another writer`);
  }
}

export async function loadCheckpoint(db: Queryable, processor: string): Promise<LogPosition> {
  const result = await db.query({
    name: 'es_load_checkpoint',
    text: 'SELECT transaction_id::text AS transaction_id, global_position FROM es_checkpoints WHERE processor = $1',
    values: [processor],
  });
  const row = result.rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : LOG_START;
}

/**
 * Stores a processor's position; call it in the transaction of the processor's own effects.
 * With `expected`, the write is a compare-and-set: it is the fence that keeps a second instance
 * (one that has not yet noticed it lost its lease) from committing the same batch twice.
 * Without it (a rebuild resetting to LOG_START), the position is overwritten.
 */
export async function saveCheckpoint(db: Queryable, processor: string, position: LogPosition, expected?: LogPosition): Promise<void> {
  const result = await db.query({
    name: 'es_save_checkpoint',
    text: `
      INSERT INTO es_checkpoints AS c (processor, transaction_id, global_position, updated_at)
      VALUES ($1, $2::xid8, $3, now())
      ON CONFLICT (processor) DO UPDATE
        SET transaction_id = excluded.transaction_id, global_position = excluded.global_position, updated_at = excluded.updated_at
        WHERE $4::xid8 IS NULL OR (c.transaction_id, c.global_position) = ($4::xid8, $5::bigint)`,
    values: [processor, position.transactionId, position.globalPosition, expected?.transactionId ?? null, expected?.globalPosition ?? null],
  });
  // A missing row counts as LOG_START, so a first save expecting LOG_START inserts.
  if (result.rowCount === 0) throw new CheckpointConflictError(processor);
}

export interface LogLag {
  events: number;
  seconds: number;
}

/** Counting stops here: the gauge saturates rather than scanning a huge backlog on every poll. */
export const LAG_COUNT_CAP = 100_000;

/**
 * Committed events after a position, including those not yet safe to read (they wait behind an
 * older open transaction, which is lag too), and the age of the first of them.
 */
export async function measureLag(db: Queryable, after: LogPosition): Promise<LogLag> {
  const result = await db.query({
    name: 'es_measure_lag',
    text: `
      SELECT (SELECT count(*) FROM (
                SELECT FROM es_events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) LIMIT ${LAG_COUNT_CAP}) p
             ) AS events,
             coalesce((
                SELECT extract(epoch FROM now() - recorded_at) FROM es_events
                 WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
                 ORDER BY transaction_id, global_position LIMIT 1
             ), 0)::float8 AS seconds`,
    values: [after.transactionId, after.globalPosition],
  });
  return { events: result.rows[0].events, seconds: Math.max(0, result.rows[0].seconds) };
}
