import type { LogPosition, Queryable } from './checkpoints.js';
import type { StoredEvent } from './event.js';
import { EVENT_COLUMNS } from './postgres-event-store.js';

/** Decodes a row through the event codec: pass the PostgresEventStore. */
export interface EventDecoder {
  toStoredEvents(rows: readonly Record<string, unknown>[]): Promise<StoredEvent[]>;
}

export interface SafeBatchQuery {
  after: LogPosition;
  limit: number;
  workspaceId?: string;
}

// Every transaction below the snapshot's xmin has ended, so no event can still appear before this horizon: reading
// only below it and resuming after (transaction_id, global_position) skips nothing. The count limit is applied first,
// then the running size over those rows only (never over the backlog), and the batch ends before the event that takes
// it past the budget. The first event always comes, however large, so that one big event goes alone instead of
// stopping the feed.
const boundedBatch = (byWorkspace: boolean) => `
  SELECT * FROM (
    SELECT l.*, count(*) OVER () AS read_count,
           row_number() OVER w AS n, sum(l.payload_bytes) OVER w AS running_bytes
      FROM (SELECT ${EVENT_COLUMNS}, es_events.transaction_id AS xid, octet_length(data::text) AS payload_bytes
              FROM es_events
             WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())${byWorkspace ? ' AND workspace_id = $5' : ''}
             ORDER BY es_events.transaction_id, es_events.global_position LIMIT $3) l
    WINDOW w AS (ORDER BY l.xid, l.global_position ROWS UNBOUNDED PRECEDING)
  ) b
  WHERE b.n = 1 OR b.running_bytes <= $4
  ORDER BY b.n`;
const BOUNDED_BATCH = boundedBatch(false);
const BOUNDED_BATCH_OF_WORKSPACE = boundedBatch(true);

export interface BoundedBatch {
  events: StoredEvent[];
  /** The batch stopped at the count or the byte budget: more events may follow at once. */
  full: boolean;
}

/**
 * The next events after a position in commit order, up to the safe horizon, at most `limit` of them and stopping
 * once their payloads (as JSON text) pass `maxBytes`: the building block of every reader.
 */
export async function readBoundedBatch(db: Queryable, decoder: EventDecoder, query: SafeBatchQuery & { maxBytes: number }): Promise<BoundedBatch> {
  const values: unknown[] = [query.after.transactionId, query.after.globalPosition, query.limit, query.maxBytes];
  const { rows } = await db.query(
    query.workspaceId === undefined
      ? { name: 'es_read_bounded_batch', text: BOUNDED_BATCH, values }
      : { name: 'es_read_bounded_batch_ws', text: BOUNDED_BATCH_OF_WORKSPACE, values: [...values, query.workspaceId] },
  );
  const readCount = rows.length > 0 ? Number(rows[0].read_count) : 0;
  return { events: await decoder.toStoredEvents(rows), full: readCount === query.limit || rows.length < readCount };
}

/** The events of readBoundedBatch, bounded by count alone unless `maxBytes` is given. */
export async function readSafeBatch(db: Queryable, decoder: EventDecoder, query: SafeBatchQuery & { maxBytes?: number }): Promise<StoredEvent[]> {
  return (await readBoundedBatch(db, decoder, { ...query, maxBytes: query.maxBytes ?? Number.MAX_SAFE_INTEGER })).events;
}
