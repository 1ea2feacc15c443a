import type { StoredEvent } from '@app/event-store';
import type { DataEventTracked } from '../domain/data-event.events.js';
import type { ContactIdentity, SummaryRow } from './data-event.repository.js';

/**
 * Intercom's data event object (schema `data_event`, in its order). `id` is the event's own id, the one NATS and
 * webhooks carry too (the schema's text is ambiguous); `intercom_user_id` is the contact's: the one it was recorded
 * for, or in a list the contact listed (a lead's events belong to the user it was merged into). `user_id` and `email`
 * are those the recording contact had then; absent ones are left out, as in Intercom's examples.
 */
export function renderDataEvent(event: StoredEvent, contactId?: string) {
  const data = event.data as DataEventTracked['data'];
  return {
    type: 'event',
    event_name: data.event_name,
    created_at: data.created_at,
    ...(data.user_id !== null ? { user_id: data.user_id } : {}),
    id: event.eventId,
    intercom_user_id: contactId ?? data.contact_id,
    ...(data.email !== null ? { email: data.email } : {}),
    metadata: data.metadata,
  };
}

/** `event.list`, newest first; `pages.next` (a URL, as Intercom's) only when there is an older page. */
export const renderEventList = (contact: ContactIdentity, events: StoredEvent[], next: string | null) => ({
  type: 'event.list',
  events: events.map((event) => renderDataEvent(event, contact.id)),
  pages: next ? { next } : {},
});

/** `event.summary`: one item per event name, by first occurrence; times as ISO 8601, as Intercom's examples. */
export const renderEventSummary = (contact: ContactIdentity, rows: SummaryRow[]) => ({
  type: 'event.summary',
  ...(contact.email !== null ? { email: contact.email } : {}),
  intercom_user_id: contact.id,
  ...(contact.user_id !== null ? { user_id: contact.user_id } : {}),
  events: rows.map((row) => ({
    name: row.event_name,
    first: new Date(row.first_at * 1000).toISOString(),
    last: new Date(row.last_at * 1000).toISOString(),
    count: row.count,
    description: null,
  })),
});
