import { ParameterInvalidError } from '@app/intercom';
import { EVENT_LIMITS, normalizeEventName, recordedMetadata } from './data-event-metadata.js';
import type { DataEvent } from './data-event.events.js';

/**
 * The decisions of a contact's data-event stream: pure functions of what the stream holds and the command.
 * The stream's state is small on purpose: the names it has summaries for (at most EVENT_LIMITS.namesPerContact)
 * and whether this very event was recorded before. The events themselves are never folded to decide.
 */
export interface DataEventStreamState {
  contactId: string;
  /** The contact's identifiers now, copied into each tracked event. */
  userId: string | null;
  email: string | null;
  /** Event names the contact has a summary of. */
  names: ReadonlySet<string>;
  /** An event of this name and created_at was recorded before (Intercom's de-duplication key). */
  duplicate: boolean;
}

export interface TrackInput {
  event_name: string;
  created_at?: number;
  metadata?: Record<string, unknown>;
}

export interface SummaryInput {
  event_name: string;
  count: number;
  first: number;
  last: number;
}

export class EventNameLimitError extends ParameterInvalidError {
  constructor(field: string) {
    super(`A contact can have at most ${EVENT_LIMITS.namesPerContact} different event names`, field);
  }
}

/** One DataEventTracked, or nothing for a duplicate (Intercom answers it 202 all the same). */
export function trackEvent(stream: DataEventStreamState, input: TrackInput, now: number): DataEvent[] {
  if (stream.duplicate) return [];
  const eventName = normalizeEventName(input.event_name);
  checkNames(stream.names, [eventName], 'event_name');
  return [
    {
      type: 'DataEventTracked',
      data: {
        contact_id: stream.contactId,
        event_name: eventName,
        created_at: input.created_at ?? now,
        user_id: stream.userId,
        email: stream.email,
        metadata: recordedMetadata(input.metadata),
        occurred_at: now,
      },
    },
  ];
}

/** One DataEventSummaryRecorded per summary; summaries of one name in one request are added up first. */
export function recordSummaries(stream: DataEventStreamState, summaries: SummaryInput[], now: number): DataEvent[] {
  const byName = new Map<string, SummaryInput>();
  for (const summary of summaries) {
    const name = normalizeEventName(summary.event_name);
    const held = byName.get(name);
    byName.set(name, held
      ? { event_name: name, count: held.count + summary.count, first: Math.min(held.first, summary.first), last: Math.max(held.last, summary.last) }
      : { ...summary, event_name: name });
  }
  checkNames(stream.names, [...byName.keys()], 'event_summaries');
  return [...byName.values()].map(({ event_name, count, first, last }) => ({
    type: 'DataEventSummaryRecorded',
    data: { contact_id: stream.contactId, event_name, count, first, last, occurred_at: now },
  }));
}

function checkNames(held: ReadonlySet<string>, names: string[], field: string): void {
  const added = names.filter((name) => !held.has(name)).length;
  if (added > 0 && held.size + added > EVENT_LIMITS.namesPerContact) throw new EventNameLimitError(field);
}
