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

/**
 * The one place event payloads pass through on their way in and out of the log, so that a
 * payload transformation (such as per-contact encryption of personal fields) needs no domain change.
 */
export interface EventCodec {
  encode(event: NewEvent, streamId: string): Record<string, unknown>;
  decode(data: Record<string, unknown>, type: string, streamId: string): Record<string, unknown>;
}

export const plainJsonCodec: EventCodec = {
  encode: (event) => event.data as Record<string, unknown>,
  decode: (data) => data,
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
