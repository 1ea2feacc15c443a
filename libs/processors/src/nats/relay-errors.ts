import { JetStreamApiError } from '@nats-io/jetstream';
import { PoisonEventError, type StoredEvent } from '@app/event-store';

// JetStream's "message size exceeds maximum allowed" (the stream's max_msg_size): no retry can help.
const JS_MESSAGE_TOO_LARGE = 10054;

/**
 * Tells "NATS will never take this event" from "NATS is down": the first is a PoisonEventError (the
 * event is parked and the relay goes on), anything else is rethrown as it is, so that a timeout, a
 * lost connection or a missing stream holds the feed and is retried.
 */
export function poisonOrRethrow(error: unknown, event: StoredEvent, bytes: number): never {
  const tooLargeForServer = error instanceof Error && error.name === 'InvalidArgumentError' && /max_payload/.test(error.message);
  const tooLargeForStream = error instanceof JetStreamApiError && error.code === JS_MESSAGE_TOO_LARGE;
  if (tooLargeForServer || tooLargeForStream) {
    throw new PoisonEventError(`NATS refused event ${event.eventId} (${bytes} bytes in its relay envelope): ${(error as Error).message}`, { cause: error });
  }
  throw error;
}
