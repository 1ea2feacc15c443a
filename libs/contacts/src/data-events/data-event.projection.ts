import type { InlineProjection } from '@app/event-store';
import type { DataEvent } from '../domain/data-event.events.js';

/** What events do to a contact_event_summaries row: added to it (count), widened (first_at, last_at), and its version. */
export interface SummaryChange {
  event_name: string;
  count: number;
  first_at: number;
  last_at: number;
  /** The stream version of the last of these events with this name. */
  version: number;
}

/** A contact_data_event_keys row: Intercom's de-duplication key of a tracked event, and where the event is in its stream. */
export interface DataEventKey {
  event_name: string;
  created_at: number;
  stream_position: number;
}

/**
 * What data events do to their read models, written once: the inline projection below applies it in the append
 * statement, and the rebuild (data-event.rebuild.ts) applies it to whole streams, where each summary is the row.
 */
export interface DataEventChange {
  /** One per event name, in the order the names first appear. */
  summaries: SummaryChange[];
  keys: DataEventKey[];
}

/** `version` is the stream's version before these events (0 for a new stream). */
export function projectDataEvents(version: number, events: readonly DataEvent[]): DataEventChange {
  const summaries = new Map<string, SummaryChange>();
  const keys: DataEventKey[] = [];
  for (const [i, event] of events.entries()) {
    const { event_name } = event.data;
    const [count, first, last] =
      event.type === 'DataEventTracked' ? [1, event.data.created_at, event.data.created_at] : [event.data.count, event.data.first, event.data.last];
    const row = summaries.get(event_name);
    if (row) {
      row.count += count;
      row.first_at = Math.min(row.first_at, first);
      row.last_at = Math.max(row.last_at, last);
      row.version = version + i + 1;
    } else {
      summaries.set(event_name, { event_name, count, first_at: first, last_at: last, version: version + i + 1 });
    }
    if (event.type === 'DataEventTracked') keys.push({ event_name, created_at: event.data.created_at, stream_position: version + i + 1 });
  }
  return { summaries: [...summaries.values()], keys };
}

/**
 * The change as SQL in the append statement: each summary upserted, each key inserted (a key already taken fails
 * the append on contact_data_event_keys_pkey, which the repository answers as a duplicate).
 */
export function inlineDataEventProjection(workspaceId: string, contactId: string, change: DataEventChange): InlineProjection {
  return (bind) => {
    const ws = bind(workspaceId);
    const id = bind(contactId);
    const statements: string[] = [];
    for (const s of change.summaries) {
      statements.push(
        `INSERT INTO contact_event_summaries AS s (workspace_id, contact_id, event_name, count, first_at, last_at, version)
         SELECT ${ws}, ${id}, ${bind(s.event_name)}, ${bind(s.count)}::bigint, ${bind(s.first_at)}::bigint, ${bind(s.last_at)}::bigint, ${bind(s.version)}::bigint FROM stream
         ON CONFLICT (workspace_id, contact_id, event_name) DO UPDATE SET count = s.count + EXCLUDED.count,
           first_at = least(s.first_at, EXCLUDED.first_at), last_at = greatest(s.last_at, EXCLUDED.last_at), version = EXCLUDED.version
         RETURNING s.version`,
      );
    }
    for (const key of change.keys) {
      statements.push(
        `INSERT INTO contact_data_event_keys (workspace_id, contact_id, event_name, created_at, stream_position)
         SELECT ${ws}, ${id}, ${bind(key.event_name)}, ${bind(key.created_at)}::bigint, ${bind(key.stream_position)}::bigint FROM stream`,
      );
    }
    return statements;
  };
}
