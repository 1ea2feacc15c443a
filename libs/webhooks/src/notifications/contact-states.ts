import { type ContactEvent, type ContactState, evolve } from '@app/contacts';
import { EVENT_COLUMNS, type EventDecoder, type Queryable, type StoredEvent } from '@app/event-store';
import { Logger } from '@nestjs/common';

const logger = new Logger('WebhookNotifier');

// Every stream of the batch, up to the last position the batch needs, in one round trip.
const STREAMS_UP_TO = `
  SELECT ${EVENT_COLUMNS} FROM es_events
    JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS wanted(ws, sid, upto)
      ON workspace_id = wanted.ws AND stream_id = wanted.sid AND stream_position <= wanted.upto
   ORDER BY workspace_id, stream_id, stream_position`;

/**
 * The contact as each of these events left it, by event id: its stream folded with the aggregate's
 * own `evolve`. The read model would not do: it holds the latest state, and nothing once a contact
 * is deleted or merged away, while a notification must show the contact as of its event.
 */
export async function statesAfter(db: Queryable, decoder: EventDecoder, events: StoredEvent[]): Promise<Map<string, ContactState>> {
  const upto = new Map<string, { ws: string; sid: string; position: number }>();
  for (const event of events) {
    const key = `${event.workspaceId}/${event.streamId}`;
    const known = upto.get(key);
    if (!known || known.position < event.streamPosition) upto.set(key, { ws: event.workspaceId, sid: event.streamId, position: event.streamPosition });
  }
  const wanted = [...upto.values()];
  const { rows } = await db.query({
    name: 'webhooks_streams_up_to',
    text: STREAMS_UP_TO,
    values: [wanted.map((w) => w.ws), wanted.map((w) => w.sid), wanted.map((w) => w.position)],
  });
  const needed = new Set(events.map((event) => event.eventId));
  const states = new Map<string, ContactState>();
  let stream = '';
  let state: ContactState | null = null;
  let broken = false;
  for (const row of rows) {
    const event = decoder.toStoredEvent(row);
    const key = `${event.workspaceId}/${event.streamId}`;
    if (key !== stream) [stream, state, broken] = [key, null, false];
    if (broken) continue;
    try {
      state = evolve(state, { type: event.type, data: event.data } as ContactEvent);
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
