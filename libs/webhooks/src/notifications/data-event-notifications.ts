import { renderDataEvent } from '@app/contacts';
import type { StoredEvent } from '@app/event-store';

/**
 * Intercom's data-event topic. Intercom has no topic for every event: an `event.created` subscription names the
 * events it wants in `metadata.event_names` ("there is no option to subscribe to all event names"), and this
 * service asks the same.
 */
export const EVENT_TOPIC = 'event.created';

/** At most this many names per subscription, each normalized as event names are. */
export const MAX_SUBSCRIBED_EVENT_NAMES = 100;

/** The notification a tracked event raises for a subscription that named it: the data event as GET /events lists it. */
export function dataEventNotification(event: StoredEvent, subscribedNames: ReadonlySet<string> | null): Record<string, unknown> | null {
  if (event.type !== 'DataEventTracked' || !subscribedNames?.has(String(event.data.event_name))) return null;
  return renderDataEvent(event);
}
