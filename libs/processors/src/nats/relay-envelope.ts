import { PERSONAL_DATA, contactIdOfStream, isCompanyEvent } from '@app/contacts';
import type { StoredEvent } from '@app/event-store';

/** What a NATS consumer receives: the event and its provenance, with stable snake_case names. */
export interface RelayEnvelope {
  id: string;
  type: string;
  workspace_id: string;
  /** A contact's event names the contact (a data event's stream is the contact's second one, `<id>:events`); a company's, the company. */
  contact_id?: string;
  company_id?: string;
  /** The position in the event's stream. */
  stream_position: number;
  global_position: number;
  /** Unix seconds, the domain's clock. */
  occurred_at: number;
  /** ISO 8601 with milliseconds: when the append transaction ran (commit-time lag is measured from it). */
  recorded_at: string;
  actor: StoredEvent['metadata']['actor'];
  request_id: string | null;
  data: Record<string, unknown>;
}

export function envelopeOf(event: StoredEvent): RelayEnvelope {
  return {
    id: event.eventId,
    type: event.type,
    workspace_id: event.workspaceId,
    ...(isCompanyEvent(event.type) ? { company_id: event.streamId } : { contact_id: contactIdOfStream(event.streamId) }),
    stream_position: event.streamPosition,
    global_position: event.globalPosition,
    occurred_at: typeof event.data.occurred_at === 'number' ? event.data.occurred_at : Math.floor(event.recordedAt.getTime() / 1000),
    recorded_at: event.recordedAt.toISOString(),
    actor: event.metadata.actor,
    request_id: event.metadata.request_id ?? null,
    data: event.data,
  };
}

/**
 * One subject token for any text: letters, digits, '-' and '_' stay as they are (every id and type the service
 * makes today), every other character becomes '%' and its UTF-8 bytes in hex ('.' is `%2E`, '%' is `%25`), and the
 * empty text is a lone '%'. So a token never holds '.', '*', '>' or whitespace, two texts never share a token (a
 * filter for one contact can never match another's), and decodeURIComponent gives the text back.
 */
export function subjectToken(value: string): string {
  if (value === '') return '%';
  return value.replace(/[^A-Za-z0-9_-]/gu, (char) => [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/**
 * The owner of an event's stream: a contact for its own stream and its data-event stream (`<id>:events`), a company
 * for a company's: the owner of the data key its personal values are sealed with, so that one filter covers what
 * one erasure covers.
 */
export const ownerOfStream = (streamId: string): string => PERSONAL_DATA.ownerOf(streamId);

/**
 * `<prefix>.<workspace_id>.<owner_id>.<event_type>`: consumers filter by workspace (`<prefix>.<ws>.>`), by contact
 * or company (`<prefix>.<ws>.<id>.>`), by type (`<prefix>.*.*.<type>`), or a mix.
 */
export function subjectOf(prefix: string, event: StoredEvent): string {
  return `${prefix}.${subjectToken(event.workspaceId)}.${subjectToken(ownerOfStream(event.streamId))}.${subjectToken(event.type)}`;
}

/** Every message of one contact (both of its streams) or one company: what an erasure purges. */
export function ownerFilterOf(prefix: string, workspaceId: string, ownerId: string): string {
  return `${prefix}.${subjectToken(workspaceId)}.${subjectToken(ownerId)}.>`;
}
