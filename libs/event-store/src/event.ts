/** What a caller appends: a stable type string and a plain JSON payload. */
export interface NewEvent<T extends string = string, D extends object = object> {
  type: T;
  data: D;
  schemaVersion?: number;
}

/** Who and what caused an event; stored beside every event of one append. */
export interface EventMetadata {
  actor: { type: 'access_token' | 'admin' | 'system'; id: string };
  request_id: string | null;
  intercom_version?: string | null;
  correlation_id?: string | null;
  idempotency_key?: string | null;
  [key: string]: unknown;
}

export interface StoredEvent {
  globalPosition: number;
  transactionId: string;
  workspaceId: string;
  streamId: string;
  streamPosition: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** A row of es_events as read, before decoding: what a decoder needs to know about it. */
export interface EncodedRow {
  workspace_id: string;
  stream_id: string;
  event_type: string;
}

/** How one append's events are encoded. */
export interface StreamEncoder {
  encode(event: NewEvent): Record<string, unknown>;
  /** A data-modifying statement run inside the append (it may read the `stream` CTE): the new owner's data key. */
  statement?: (bind: (value: unknown) => string) => string;
  /** Called once the append committed. */
  committed?: () => void;
}

export interface RowDecoder {
  decode(data: Record<string, unknown>, type: string, workspaceId: string, streamId: string): Record<string, unknown>;
}

/**
 * The one place event payloads pass through on their way in and out of the log, so that a payload transformation
 * (per-owner encryption of personal fields, crypto/personal-data-codec.ts) needs no domain change. Both sides are
 * prepared for a whole append or a whole batch of rows, so that what they need (data keys) costs at most one
 * round trip, and none when it is in memory.
 */
export interface EventCodec {
  encoder(workspaceId: string, streamId: string, expectedVersion: number, events: readonly NewEvent[]): StreamEncoder | Promise<StreamEncoder>;
  decoder(rows: readonly EncodedRow[]): RowDecoder | Promise<RowDecoder>;
  /**
   * An owner's data key row (DATA_KEY_COLUMNS of es_data_keys, null: none stored), read by a query the caller makes
   * anyway (a contact's load): the next encoder for the owner then needs no round trip of its own.
   */
  remember?(workspaceId: string, owner: string, row: DataKeyRow | null): void;
}

/** What a load may read of an owner's es_data_keys row for EventCodec.remember. */
export interface DataKeyRow {
  master_key_id: string | null;
  wrapped_key: Buffer | null;
}

const PLAIN_ENCODER: StreamEncoder = { encode: (event) => event.data as Record<string, unknown> };
const PLAIN_DECODER: RowDecoder = { decode: (data) => data };

export const plainJsonCodec: EventCodec = {
  encoder: () => PLAIN_ENCODER,
  decoder: () => PLAIN_DECODER,
};

export class StreamVersionConflictError extends Error {
  constructor(readonly streamId: string, readonly expectedVersion: number) {
    super(`stream ${streamId} is not at version ${expectedVersion}`);
  }
}

/** 256 KiB: with the relay's envelope around it, an event stays far below NATS's default max_payload of 1 MiB. */
export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;

/** An event whose data and metadata, as JSON, exceed the store's limit: refused before anything is written. */
export class EventTooLargeError extends Error {
  constructor(
    readonly streamId: string,
    readonly eventType: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`event ${eventType} of stream ${streamId} is ${bytes} bytes, over the limit of ${limit}`);
  }
}
