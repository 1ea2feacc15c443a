import type { StoredEvent } from '@app/event-store';
import { DATA_EVENT_STREAM, type DataEvent, contactIdOfStream } from '../domain/data-event.events.js';
import { eachStream, push } from '../store/projection-fold.js';
import { PICK_STREAMS, type RebuildPart } from '../store/projection-rebuild.js';
import { projectDataEvents } from './data-event.projection.js';

/**
 * Read-model rows of whole data-event streams (`<contact id>:events`), each projected with projectDataEvents from
 * version 0: its summaries are the contact_event_summaries rows, its keys the contact_data_event_keys rows.
 */
export class FoldedDataEvents {
  readonly streams = { workspace: [] as string[], id: [] as string[], version: [] as number[] };
  readonly summaries = {
    workspace: [] as string[], stream: [] as string[], contact: [] as string[], name: [] as string[],
    count: [] as number[], first: [] as number[], last: [] as number[], version: [] as number[],
  };
  readonly keys = { workspace: [] as string[], stream: [] as string[], contact: [] as string[], name: [] as string[], at: [] as number[], position: [] as number[] };
  events = 0;

  add(events: StoredEvent[]): void {
    eachStream(events, (stream) => {
      const { workspaceId, streamId, streamPosition } = stream[stream.length - 1];
      const contactId = contactIdOfStream(streamId);
      const change = projectDataEvents(0, stream.map((e) => ({ type: e.type, data: e.data }) as DataEvent));
      push(this.streams, [workspaceId, streamId, streamPosition]);
      for (const s of change.summaries) push(this.summaries, [workspaceId, streamId, contactId, s.event_name, s.count, s.first_at, s.last_at, s.version]);
      for (const k of change.keys) push(this.keys, [workspaceId, streamId, contactId, k.event_name, k.created_at, k.stream_position]);
    });
    this.events += events.length;
  }

  get size(): number {
    return this.streams.id.length;
  }
}

/**
 * An erased contact's data events have no read-model rows (its ContactErased deleted them): its data key's tombstone,
 * written in the same transaction as that event, says which contacts are erased.
 */
const NOT_ERASED = `NOT EXISTS (SELECT 1 FROM es_data_keys k WHERE k.workspace_id = s.workspace_id AND k.owner_id = s.contact_id AND k.erased_at IS NOT NULL)`;

/** The rebuild of contact_event_summaries and contact_data_event_keys from every data-event stream. */
export const dataEventRebuild: RebuildPart = {
  streamType: DATA_EVENT_STREAM,
  staging: `
    CREATE TEMP TABLE rebuild_event_streams (workspace_id text, stream_id text, version bigint);
    CREATE TEMP TABLE rebuild_event_summaries (workspace_id text, stream_id text, contact_id text, event_name text, count bigint, first_at bigint, last_at bigint, version bigint);
    CREATE TEMP TABLE rebuild_event_keys (workspace_id text, stream_id text, contact_id text, event_name text, created_at bigint, stream_position bigint)`,
  versions: 'rebuild_event_streams',
  indexes: `ALTER TABLE rebuild_event_streams ADD PRIMARY KEY (workspace_id, stream_id);
    CREATE INDEX ON rebuild_event_summaries (workspace_id, stream_id); CREATE INDEX ON rebuild_event_keys (workspace_id, stream_id)`,
  readModel: 'contact_event_summaries, contact_data_event_keys',
  async stage(client, events) {
    const page = new FoldedDataEvents();
    page.add(events);
    const { streams: s, summaries: m, keys: k } = page;
    await client.query('INSERT INTO rebuild_event_streams SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])', [s.workspace, s.id, s.version]);
    if (m.name.length > 0) {
      await client.query(
        'INSERT INTO rebuild_event_summaries SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])',
        [m.workspace, m.stream, m.contact, m.name, m.count, m.first, m.last, m.version],
      );
    }
    if (k.name.length > 0) {
      await client.query('INSERT INTO rebuild_event_keys SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])', [
        k.workspace, k.stream, k.contact, k.name, k.at, k.position,
      ]);
    }
    return { streams: page.size, events: page.events };
  },
  async forget(client, keys) {
    for (const table of ['rebuild_event_streams', 'rebuild_event_summaries', 'rebuild_event_keys']) await client.query(`DELETE FROM ${table} WHERE ${PICK_STREAMS}`, keys);
  },
  async refill(client) {
    const summaries = await client.query(
      `INSERT INTO contact_event_summaries (workspace_id, contact_id, event_name, count, first_at, last_at, version)
       SELECT workspace_id, contact_id, event_name, count, first_at, last_at, version FROM rebuild_event_summaries s WHERE ${NOT_ERASED}`,
    );
    const keys = await client.query(
      `INSERT INTO contact_data_event_keys (workspace_id, contact_id, event_name, created_at, stream_position)
       SELECT workspace_id, contact_id, event_name, created_at, stream_position FROM rebuild_event_keys s WHERE ${NOT_ERASED}`,
    );
    return { event_summaries: summaries.rowCount ?? 0, event_keys: keys.rowCount ?? 0 };
  },
};
