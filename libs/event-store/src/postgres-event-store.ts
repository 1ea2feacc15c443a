import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { Counter } from 'prom-client';
import {
  DEFAULT_MAX_EVENT_BYTES,
  type EncodedRow,
  type EventCodec,
  EventTooLargeError,
  type EventMetadata,
  type NewEvent,
  type RowDecoder,
  type StoredEvent,
  StreamVersionConflictError,
  plainJsonCodec,
} from './event.js';
import { CLAIM_LOST_SQLSTATE, IdempotencyClaimLostError, currentIdempotencyClaim } from './idempotency/idempotency-context.js';
import { markAppliedInAppend } from './idempotency/idempotency-keys.js';
import { inTransaction } from './locked-transaction.js';

/**
 * Data-modifying statements that run inside the append statement, so that read models are updated
 * in the same transaction as the log. They are given `bind` to place their parameters and may read
 * the `stream` CTE (one row: the new version) and the `appended` CTE (the new events). The rows
 * returned by the first statement are handed back to the caller.
 */
export type InlineProjection = (bind: (value: unknown) => string) => string | string[];

export interface AppendRequest {
  workspaceId: string;
  streamId: string;
  streamType: string;
  /** 0 creates the stream. */
  expectedVersion: number;
  events: NewEvent[];
  metadata: EventMetadata;
  projection?: InlineProjection;
}

export interface AppendResult<R> {
  version: number;
  /** Rows returned by the inline projection. */
  projected: R[];
}

const eventsAppended = new Counter({ name: 'events_appended_total', help: 'Events appended to the log', labelNames: ['event_type'] });
const conflicts = new Counter({ name: 'stream_version_conflicts_total', help: 'Appends refused for a stale expected version' });

const CONFLICT_SQLSTATE = 'ES409';

export class PostgresEventStore {
  private readonly statementNames = new Map<string, string>();

  constructor(
    private readonly pool: pg.Pool,
    readonly codec: EventCodec = plainJsonCodec,
    /** The largest event, data and metadata as JSON: every consumer (NATS above all) must be able to take it. */
    private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES,
  ) {}

  /**
   * One statement, one round trip: version check, events and inline projection commit or fail together. A request
   * that holds an Idempotency-Key marks it applied in the same statement, so the key and the events commit together.
   */
  async append<R = Record<string, unknown>>(request: AppendRequest, db: pg.Pool | pg.PoolClient = this.pool): Promise<AppendResult<R>> {
    const { workspaceId, streamId, expectedVersion, events } = request;
    if (events.length === 0) throw new Error('append needs at least one event');
    const version = expectedVersion + events.length;
    // The limit is on the event as its consumers get it (decoded): sealed values are larger in the log, which takes them.
    const metadataBytes = Buffer.byteLength(JSON.stringify(request.metadata));
    for (const event of events) {
      const bytes = Buffer.byteLength(JSON.stringify(event.data)) + metadataBytes;
      if (bytes > this.maxEventBytes) throw new EventTooLargeError(streamId, event.type, bytes, this.maxEventBytes);
    }
    const encoder = await this.codec.encoder(workspaceId, streamId, expectedVersion, events);
    const rows = events.map((event, i) => ({
      stream_position: expectedVersion + i + 1,
      event_id: randomUUID(),
      event_type: event.type,
      schema_version: event.schemaVersion ?? 1,
      data: encoder.encode(event),
      metadata: request.metadata,
    }));
    const values: unknown[] = [workspaceId, streamId, expectedVersion, version, JSON.stringify(rows), request.streamType];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const statements = [request.projection?.(bind) ?? 'SELECT NULL WHERE false'].flat();
    if (encoder.statement) statements.push(encoder.statement(bind));
    const projections = statements.map((sql, i) => `${i === 0 ? 'projected' : `projected_${i}`} AS (${sql})`).join(',\n');
    const claim = currentIdempotencyClaim();
    const idempotent = claim ? `,\n      ${markAppliedInAppend(claim, bind)}` : '';
    const requireClaim = claim ? ',\n             es_require_idempotency_claim((SELECT count(*) FROM idempotent)) AS claimed' : '';
    const text = `
      WITH stream AS (${expectedVersion === 0 ? CREATE_STREAM : ADVANCE_STREAM}),
      appended AS (
        INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, schema_version, data, metadata)
        SELECT $1, $2, e.stream_position, e.event_id, e.event_type, e.schema_version, e.data, e.metadata
          FROM stream, jsonb_to_recordset($5::jsonb)
            AS e(stream_position bigint, event_id uuid, event_type text, schema_version integer, data jsonb, metadata jsonb)
        RETURNING global_position
      ),
      ${projections}${idempotent}
      SELECT es_require_version((SELECT version FROM stream)) AS version,
             (SELECT count(*) FROM appended) AS appended,
             (SELECT coalesce(json_agg(p), '[]'::json) FROM projected p) AS projected${requireClaim}`;
    try {
      const result = await db.query({ name: this.statementName(text), text, values });
      for (const event of events) eventsAppended.inc({ event_type: event.type });
      // Inside a transaction (appendAll) only the commit applies it: a new owner's key is not cached then (a rollback
      // would leave a cached key with no row, sealing a retried create with it), and inTransaction marks the claim.
      if (db === this.pool) {
        encoder.committed?.();
        if (claim) claim.applied = true;
      }
      return { version: result.rows[0].version, projected: result.rows[0].projected };
    } catch (error) {
      if ((error as { code?: string }).code === CONFLICT_SQLSTATE) {
        conflicts.inc();
        throw new StreamVersionConflictError(streamId, expectedVersion);
      }
      if (claim && (error as { code?: string }).code === CLAIM_LOST_SQLSTATE) throw new IdempotencyClaimLostError(claim.key);
      throw error;
    }
  }

  /** Appends to several streams atomically (a merge touches two contacts): all or nothing. */
  async appendAll<R = Record<string, unknown>>(requests: AppendRequest[]): Promise<AppendResult<R>[]> {
    return inTransaction(this.pool, async (client) => {
      const results: AppendResult<R>[] = [];
      for (const request of requests) results.push(await this.append<R>(request, client));
      return results;
    });
  }

  /**
   * The events of a stream from one position to another, both included: a bounded read. There is no
   * read of a whole stream, so that no caller folds an unbounded number of events to answer.
   */
  async readStreamRange(workspaceId: string, streamId: string, fromPosition: number, toPosition: number): Promise<StoredEvent[]> {
    const result = await this.pool.query({
      name: 'es_read_stream_range',
      text: `SELECT ${EVENT_COLUMNS} FROM es_events
              WHERE workspace_id = $1 AND stream_id = $2 AND stream_position BETWEEN $3 AND $4 ORDER BY stream_position`,
      values: [workspaceId, streamId, fromPosition, toPosition],
    });
    return this.toStoredEvents(result.rows);
  }

  /** The stream's version, which is its number of events; 0 when there is no such stream. */
  async streamVersion(workspaceId: string, streamId: string): Promise<number> {
    const result = await this.pool.query({
      name: 'es_stream_version',
      text: 'SELECT version FROM es_streams WHERE workspace_id = $1 AND stream_id = $2',
      values: [workspaceId, streamId],
    });
    return result.rows[0]?.version ?? 0;
  }

  /** Rows of es_events (EVENT_COLUMNS) decoded through the codec, which fetches what they need in at most one round trip. */
  async toStoredEvents(rows: readonly Record<string, any>[]): Promise<StoredEvent[]> {
    if (rows.length === 0) return [];
    const decoder = await this.codec.decoder(rows as EncodedRow[]);
    return rows.map((row) => this.toStoredEvent(row, decoder));
  }

  toStoredEvent(row: Record<string, any>, decoder: RowDecoder): StoredEvent {
    return {
      globalPosition: row.global_position,
      transactionId: row.transaction_id,
      workspaceId: row.workspace_id,
      streamId: row.stream_id,
      streamPosition: row.stream_position,
      eventId: row.event_id,
      type: row.event_type,
      schemaVersion: row.schema_version,
      data: decoder.decode(row.data, row.event_type, row.workspace_id, row.stream_id),
      metadata: row.metadata,
      recordedAt: row.recorded_at,
    };
  }

  // Named statements are prepared once per connection; the name follows the text.
  private statementName(text: string): string {
    let name = this.statementNames.get(text);
    if (!name) {
      name = `es_append_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      this.statementNames.set(text, name);
    }
    return name;
  }
}

export const EVENT_COLUMNS = `global_position, transaction_id::text AS transaction_id, workspace_id, stream_id, stream_position,
  event_id, event_type, schema_version, data, metadata, recorded_at`;

// Both shapes take the same six parameters.
const CREATE_STREAM = `
  INSERT INTO es_streams (workspace_id, stream_id, stream_type, version)
  SELECT $1, $2, $6, $4 WHERE $3::bigint = 0
  ON CONFLICT DO NOTHING RETURNING version`;

const ADVANCE_STREAM = `
  UPDATE es_streams SET version = $4, updated_at = now()
   WHERE workspace_id = $1 AND stream_id = $2 AND version = $3 AND stream_type = $6
  RETURNING version`;
