import { describe, expect, it } from 'vitest';
import type { DataEvent } from '../domain/data-event.events.js';
import { projectDataEvents } from './data-event.projection.js';

const tracked = (event_name: string, created_at: number): DataEvent => ({
  type: 'DataEventTracked',
  data: { contact_id: 'c1', event_name, created_at, user_id: null, email: null, metadata: {}, occurred_at: 1 },
});
const summary = (event_name: string, count: number, first: number, last: number): DataEvent => ({
  type: 'DataEventSummaryRecorded',
  data: { contact_id: 'c1', event_name, count, first, last, occurred_at: 1 },
});

describe('projectDataEvents', () => {
  it('gives one summary per name: counts added, first and last widened, the version of the last event of the name', () => {
    const change = projectDataEvents(3, [tracked('order', 50), summary('imported', 2, 10, 20), tracked('order', 40), summary('order', 5, 5, 60)]);
    expect(change.summaries).toEqual([
      { event_name: 'order', count: 7, first_at: 5, last_at: 60, version: 7 },
      { event_name: 'imported', count: 2, first_at: 10, last_at: 20, version: 5 },
    ]);
  });

  it('keys every tracked event by name and created_at, with its stream position, and no imported summary', () => {
    const change = projectDataEvents(0, [tracked('order', 50), summary('order', 5, 5, 60), tracked('seen', 50)]);
    expect(change.keys).toEqual([
      { event_name: 'order', created_at: 50, stream_position: 1 },
      { event_name: 'seen', created_at: 50, stream_position: 3 },
    ]);
  });

  it('folds a whole stream to the rows its appends left one by one', () => {
    const events = [tracked('order', 50), tracked('seen', 10), summary('order', 3, 1, 2), tracked('order', 70)];
    const whole = projectDataEvents(0, events).summaries;
    const rows = new Map<string, { count: number; first_at: number; last_at: number; version: number }>();
    for (const [i, event] of events.entries()) {
      for (const s of projectDataEvents(i, [event]).summaries) {
        const row = rows.get(s.event_name);
        rows.set(s.event_name, row
          ? { count: row.count + s.count, first_at: Math.min(row.first_at, s.first_at), last_at: Math.max(row.last_at, s.last_at), version: s.version }
          : { count: s.count, first_at: s.first_at, last_at: s.last_at, version: s.version });
      }
    }
    expect(whole).toEqual([...rows].map(([event_name, row]) => ({ event_name, ...row })));
  });
});
