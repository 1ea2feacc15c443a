import { contactIdOfStream, isCompanyEvent } from '@app/contacts';
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

// A subject token must not contain '.', '*', '>' or whitespace; workspace ids and event types never do today.
const token = (value: string) => value.replace(/[.*>\s]/g, '_');

/** `<prefix>.<workspace_id>.<event_type>`: consumers filter by workspace, by type, or both. */
export function subjectOf(prefix: string, event: StoredEvent): string {
  return `${prefix}.${token(event.workspaceId)}.${token(event.type)}`;
}
