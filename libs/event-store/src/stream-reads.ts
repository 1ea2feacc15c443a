import type { Queryable } from './checkpoints.js';
import type { StoredEvent } from './event.js';
import type { EventDecoder } from './safe-batch.js';
import { EVENT_COLUMNS } from './postgres-event-store.js';

/** A stream by its key. */
export interface StreamKey {
  workspaceId: string;
  streamId: string;
}

// Each stream is read up to the version es_streams had in the same statement, so a page holds whole
// streams as one snapshot saw them.
const PAGE = `
  WITH page AS (
    SELECT workspace_id, stream_id, version FROM es_streams
     WHERE stream_type = $1 AND (workspace_id, stream_id) > ($2, $3)
     ORDER BY workspace_id, stream_id LIMIT $4)
  SELECT ${EVENT_COLUMNS} FROM page JOIN es_events e USING (workspace_id, stream_id)
   WHERE e.stream_position <= page.version
   ORDER BY workspace_id, stream_id, stream_position`;

/** The events of up to `limit` whole streams of a type after `after`, in (workspace, stream, position) order. */
export async function readStreamsPage(db: Queryable, decoder: EventDecoder, streamType: string, after: StreamKey | null, limit: number): Promise<StoredEvent[]> {
  const { rows } = await db.query({
    name: 'es_read_streams_page',
    text: PAGE,
    values: [streamType, after?.workspaceId ?? '', after?.streamId ?? '', limit],
  });
  return decoder.toStoredEvents(rows);
}

/** Whole streams, in (workspace, stream, position) order. */
export async function readStreams(db: Queryable, decoder: EventDecoder, keys: StreamKey[]): Promise<StoredEvent[]> {
  if (keys.length === 0) return [];
  const { rows } = await db.query(
    `SELECT ${EVENT_COLUMNS} FROM es_events
      WHERE (workspace_id, stream_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
      ORDER BY workspace_id, stream_id, stream_position`,
    [keys.map((k) => k.workspaceId), keys.map((k) => k.streamId)],
  );
  return decoder.toStoredEvents(rows);
}

/** A part of a stream: positions `from` to `to`, both included. */
export interface StreamRange extends StreamKey {
  from: number;
  to: number;
}

/** Parts of streams, in (workspace, stream, position) order: one round trip for a batch. Ranges of one stream must not overlap. */
export async function readStreamRanges(db: Queryable, decoder: EventDecoder, ranges: StreamRange[]): Promise<StoredEvent[]> {
  if (ranges.length === 0) return [];
  const { rows } = await db.query({
    name: 'es_read_stream_ranges',
    text: `SELECT ${EVENT_COLUMNS} FROM es_events
             JOIN unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS wanted(ws, sid, first, last)
               ON workspace_id = wanted.ws AND stream_id = wanted.sid AND stream_position BETWEEN wanted.first AND wanted.last
            ORDER BY workspace_id, stream_id, stream_position`,
    values: [ranges.map((r) => r.workspaceId), ranges.map((r) => r.streamId), ranges.map((r) => r.from), ranges.map((r) => r.to)],
  });
  return decoder.toStoredEvents(rows);
}

/**
 * Streams of a type whose version differs from the one a reader recorded in `table` (columns
 * workspace_id, stream_id, version; a name the caller controls, never user input): what moved since.
 */
export async function streamsMovedSince(db: Queryable, streamType: string, table: string): Promise<StreamKey[]> {
  const { rows } = await db.query(
    `SELECT s.workspace_id, s.stream_id FROM es_streams s LEFT JOIN ${table} r USING (workspace_id, stream_id)
      WHERE s.stream_type = $1 AND r.version IS DISTINCT FROM s.version`,
    [streamType],
  );
  return rows.map((row) => ({ workspaceId: row.workspace_id, streamId: row.stream_id }));
}
