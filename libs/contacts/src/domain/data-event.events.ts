/**
 * The events of a contact's data-event stream: Intercom's "track" calls and imported summaries. They live on a
 * stream of their own per contact (`<contact id>:events`, stream type `contact_events`), beside the contact's
 * stream, so that a busy analytics feed neither rewrites the contact's read-model row nor lengthens the stream the
 * contact aggregate is folded and snapshotted from. Type strings are persisted: never rename them.
 */

/** Intercom's metadata types: string (text, link, date as a number), number, rich link, monetary amount. */
export type MetadataValue = string | number | boolean | { url: string; value: string } | { amount: number; currency: string };

export interface DataEventTracked {
  type: 'DataEventTracked';
  data: {
    contact_id: string;
    /** Normalized (see normalizeEventName): the summary and the de-duplication key go by it. */
    event_name: string;
    /** When it happened, as the client said (Unix seconds). */
    created_at: number;
    /** The contact's identifiers when the event was recorded, so that consumers need no lookup. */
    user_id: string | null;
    email: string | null;
    metadata: Record<string, MetadataValue>;
    /** When it was recorded: the server clock. */
    occurred_at: number;
  };
}

/** POST /events/summaries: occurrences counted elsewhere, added to the contact's summary of the name. */
export interface DataEventSummaryRecorded {
  type: 'DataEventSummaryRecorded';
  data: { contact_id: string; event_name: string; count: number; first: number; last: number; occurred_at: number };
}

export type DataEvent = DataEventTracked | DataEventSummaryRecorded;

export const DATA_EVENT_STREAM = 'contact_events';
const SUFFIX = ':events';

export const dataEventStreamId = (contactId: string): string => `${contactId}${SUFFIX}`;

/** The contact a stream belongs to: its own stream, or its data-event stream. */
export const contactIdOfStream = (streamId: string): string => (streamId.endsWith(SUFFIX) ? streamId.slice(0, -SUFFIX.length) : streamId);
