import { type ContactState, type Snapshot, evolve, snapshotsAtOrBefore, toContactEvent } from '@app/contacts';
import { type EventDecoder, type Queryable, type StoredEvent, type StreamRange, readStreamRanges } from '@app/event-store';
import { Logger } from '@nestjs/common';

const logger = new Logger('WebhookNotifier');

/** A run of one stream folded in one go: from a snapshot up to a position, with the positions wanted in it. */
interface Segment extends StreamRange {
  start: Snapshot;
  /** Position -> event id, of the events whose state is wanted. */
  wanted: Map<number, string>;
}

/**
 * The contact as each of these events left it, by event id: folded with the aggregate's own `evolve`
 * from the nearest snapshot at or before the event (read-model.projection.ts writes one every
 * SNAPSHOT_EVERY versions), so each event costs at most that many events read, whatever the stream's
 * length. The read model would not do: it holds the latest state, and nothing once a contact is deleted
 * or merged away, while a notification must show the contact as of its event.
 */
export async function statesAfter(db: Queryable, decoder: EventDecoder, events: StoredEvent[]): Promise<Map<string, ContactState>> {
  const wanted = events.map((event) => ({ workspaceId: event.workspaceId, streamId: event.streamId, position: event.streamPosition, eventId: event.eventId }));
  const snapshots = new Map<string, Snapshot[]>();
  for (const found of await snapshotsAtOrBefore(db, wanted)) {
    const list = snapshots.get(keyOf(found)) ?? [];
    list.push(found);
    snapshots.set(keyOf(found), list);
  }
  // Positions in stream order; an event whose nearest snapshot is within the previous run extends that run.
  const segments: Segment[] = [];
  const sorted = [...wanted].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : a.position - b.position));
  for (const w of sorted) {
    const start = (snapshots.get(keyOf(w)) ?? []).filter((s) => s.version <= w.position).reduce<Snapshot>((a, b) => (b.version > a.version ? b : a), { version: 0, state: null });
    const current = segments[segments.length - 1];
    if (current && keyOf(current) === keyOf(w) && start.version <= current.to) {
      current.to = w.position;
    } else {
      segments.push({ workspaceId: w.workspaceId, streamId: w.streamId, from: start.version + 1, to: w.position, start, wanted: new Map() });
    }
    segments[segments.length - 1].wanted.set(w.position, w.eventId);
  }
  const read = groupByStream(await readStreamRanges(db, decoder, segments));
  const states = new Map<string, ContactState>();
  const broken = new Set<string>();
  for (const segment of segments) {
    const key = keyOf(segment);
    const events = read.get(key) ?? { events: [], next: 0 };
    let state = segment.start.state;
    const keep = (position: number) => {
      const id = segment.wanted.get(position);
      if (id && state) states.set(id, state);
    };
    keep(segment.start.version);
    // A stream's runs come in position order, and so do its events: each event is folded once.
    for (; events.next < events.events.length && events.events[events.next].streamPosition <= segment.to; events.next++) {
      const event = events.events[events.next];
      if (broken.has(key)) continue;
      try {
        state = evolve(state, toContactEvent(event));
      } catch (error) {
        // A stream that does not fold (not a contact's) must not hold back every other notification.
        logger.warn(`stream ${key} does not fold at ${event.streamPosition}, no notification for it: ${String(error)}`);
        broken.add(key);
        continue;
      }
      keep(event.streamPosition);
    }
  }
  return states;
}

function groupByStream(events: StoredEvent[]): Map<string, { events: StoredEvent[]; next: number }> {
  const streams = new Map<string, { events: StoredEvent[]; next: number }>();
  for (const event of events) {
    const stream = streams.get(keyOf(event)) ?? { events: [], next: 0 };
    stream.events.push(event);
    streams.set(keyOf(event), stream);
  }
  return streams;
}

const keyOf = (stream: { workspaceId: string; streamId: string }) => `${stream.workspaceId}/${stream.streamId}`;
