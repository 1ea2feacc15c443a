import type { LogPosition, Queryable } from './checkpoints.js';
import type { StoredEvent } from './event.js';
import { EVENT_COLUMNS } from './postgres-event-store.js';

/** Decodes a row through the event codec: pass the PostgresEventStore. */
export interface EventDecoder {
  toStoredEvent(row: Record<string, unknown>): StoredEvent;
}

export interface SafeBatchQuery {
  after: LogPosition;
  limit: number;
  workspaceId?: string;
}

// Every transaction below the snapshot's xmin has ended, so no event can still appear before this
// horizon: reading only below it and resuming after (transaction_id, global_position) skips nothing.
const SAFE_BATCH = `SELECT ${EVENT_COLUMNS} FROM es_events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
const ORDER = 'ORDER BY transaction_id, global_position LIMIT $3';

/** The next events after a position in commit order, up to the safe horizon: the building block of every reader. */
export async function readSafeBatch(db: Queryable, decoder: EventDecoder, query: SafeBatchQuery): Promise<StoredEvent[]> {
  const values: unknown[] = [query.after.transactionId, query.after.globalPosition, query.limit];
  const result = await db.query(
    query.workspaceId === undefined
      ? { name: 'es_read_safe_batch', text: `${SAFE_BATCH} ${ORDER}`, values }
      : { name: 'es_read_safe_batch_ws', text: `${SAFE_BATCH} AND workspace_id = $4 ${ORDER}`, values: [...values, query.workspaceId] },
  );
  return result.rows.map((row) => decoder.toStoredEvent(row));
}

// The count limit is applied first, then the running size over those rows only (never over the
// backlog), and the batch ends before the event that takes it past the budget. The first event
// always comes, however large, so that one big event goes alone instead of stopping the feed.
const BOUNDED_BATCH = `
  SELECT * FROM (
    SELECT l.*, count(*) OVER () AS read_count,
           row_number() OVER w AS n, sum(l.payload_bytes) OVER w AS running_bytes
      FROM (SELECT ${EVENT_COLUMNS}, es_events.transaction_id AS xid, octet_length(data::text) AS payload_bytes
              FROM es_events
             WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY transaction_id, global_position LIMIT $3) l
    WINDOW w AS (ORDER BY l.xid, l.global_position ROWS UNBOUNDED PRECEDING)
  ) b
  WHERE b.n = 1 OR b.running_bytes <= $4
  ORDER BY b.n`;

export interface BoundedBatch {
  events: StoredEvent[];
  /** The batch stopped at the count or the byte budget: more events may follow at once. */
  full: boolean;
}

/** Like readSafeBatch, and also stops adding events once their payloads (as JSON text) pass `maxBytes`. */
export async function readBoundedBatch(db: Queryable, decoder: EventDecoder, query: { after: LogPosition; limit: number; maxBytes: number }): Promise<BoundedBatch> {
  const { rows } = await db.query({
    name: 'es_read_bounded_batch',
    text: BOUNDED_BATCH,
    values: [query.after.transactionId, query.after.globalPosition, query.limit, query.maxBytes],
  });
  const readCount = rows.length > 0 ? Number(rows[0].read_count) : 0;
  return { events: rows.map((row) => decoder.toStoredEvent(row)), full: readCount === query.limit || rows.length < readCount };
}
