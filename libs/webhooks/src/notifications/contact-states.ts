import { type ContactState, evolve, toContactEvent } from '@app/contacts';
import { type EventDecoder, type Queryable, type StoredEvent, readStreamsUpTo } from '@app/event-store';
import { Logger } from '@nestjs/common';

const logger = new Logger('WebhookNotifier');

/**
 * The contact as each of these events left it, by event id: its stream folded with the aggregate's
 * own `evolve`. The read model would not do: it holds the latest state, and nothing once a contact
 * is deleted or merged away, while a notification must show the contact as of its event.
 */
export async function statesAfter(db: Queryable, decoder: EventDecoder, events: StoredEvent[]): Promise<Map<string, ContactState>> {
  const upTo = new Map<string, { workspaceId: string; streamId: string; upTo: number }>();
  for (const event of events) {
    const key = `${event.workspaceId}/${event.streamId}`;
    const known = upTo.get(key);
    if (!known || known.upTo < event.streamPosition) upTo.set(key, { workspaceId: event.workspaceId, streamId: event.streamId, upTo: event.streamPosition });
  }
  const needed = new Set(events.map((event) => event.eventId));
  const states = new Map<string, ContactState>();
  let stream = '';
  let state: ContactState | null = null;
  let broken = false;
  for (const event of await readStreamsUpTo(db, decoder, [...upTo.values()])) {
    const key = `${event.workspaceId}/${event.streamId}`;
    if (key !== stream) [stream, state, broken] = [key, null, false];
    if (broken) continue;
    try {
      state = evolve(state, toContactEvent(event));
    } catch (error) {
      // A stream that does not fold (not a contact's) must not hold back every other notification.
      logger.warn(`stream ${key} does not fold at ${event.streamPosition}, no notification for it: ${String(error)}`);
      broken = true;
      continue;
    }
    if (needed.has(event.eventId)) states.set(event.eventId, state);
  }
  return states;
}
