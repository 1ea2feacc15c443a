import type { StoredEvent } from '@app/event-store';
import { toContactEvent } from '../domain/contact.events.js';
import { projectEvents } from './read-model.projection.js';

/** Calls `fold` with each whole stream of events in (workspace, stream, position) order. */
export function eachStream(events: StoredEvent[], fold: (stream: StoredEvent[]) => void): void {
  let start = 0;
  for (let i = 0; i < events.length; i++) {
    const next = events[i + 1];
    if (next && next.streamId === events[i].streamId && next.workspaceId === events[i].workspaceId) continue;
    fold(events.slice(start, i + 1));
    start = i + 1;
  }
}

export const push = (columns: Record<string, unknown[]>, values: unknown[]): void => {
  Object.values(columns).forEach((column, i) => column.push(values[i]));
};

/**
 * Read-model rows of whole contact streams, each stream projected with the one projection
 * (read-model.projection.ts), as column arrays for one multi-row INSERT ... SELECT FROM unnest(...) each.
 * Notes stay on the stream that wrote them here; the swap applies the note moves once every stream is staged.
 */
export class FoldedStreams {
  readonly streams = { workspace: [] as string[], id: [] as string[], version: [] as number[], state: [] as (string | null)[], erased: [] as boolean[] };
  readonly notes = { workspace: [] as string[], id: [] as string[], stream: [] as string[], body: [] as string[], admin: [] as number[], at: [] as number[] };
  readonly merges = { workspace: [] as string[], from: [] as string[], into: [] as string[], at: [] as number[] };
  readonly noteMoves = { workspace: [] as string[], from: [] as string[], into: [] as string[] };
  readonly tagApplications = { workspace: [] as string[], contact: [] as string[], tag: [] as string[], at: [] as number[], admin: [] as (number | null)[] };
  readonly snapshots = { workspace: [] as string[], contact: [] as string[], version: [] as number[], state: [] as string[] };
  events = 0;
  /** The last event added: where the next page starts. */
  last: StoredEvent | null = null;

  /** Events of whole streams in (workspace, stream, position) order. */
  add(events: StoredEvent[]): void {
    eachStream(events, (stream) => this.addStream(stream));
    this.events += events.length;
    this.last = events[events.length - 1] ?? this.last;
  }

  get size(): number {
    return this.streams.id.length;
  }

  private addStream(stream: StoredEvent[]): void {
    const { workspaceId, streamId, streamPosition } = stream[stream.length - 1];
    const change = projectEvents(null, 0, stream.map(toContactEvent));
    push(this.streams, [workspaceId, streamId, streamPosition, change.live ? JSON.stringify(change.state) : null, change.erased]);
    for (const note of change.notes) push(this.notes, [workspaceId, note.id, streamId, note.body, note.admin_id, note.created_at]);
    for (const merge of change.merges) push(this.merges, [workspaceId, streamId, merge.into_id, merge.merged_at]);
    for (const from of change.notesMovedFrom) push(this.noteMoves, [workspaceId, from, streamId]);
    for (const a of change.tagApplications) push(this.tagApplications, [workspaceId, streamId, a.tag_id, a.applied_at, a.admin_id]);
    for (const s of change.snapshots) push(this.snapshots, [workspaceId, streamId, s.version, JSON.stringify(s.state)]);
  }
}
