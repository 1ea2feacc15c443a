import type { EventDecoder } from '@app/event-store';
import { type ContactState, evolve } from '../domain/contact.aggregate.js';
import type { ContactEvent } from '../domain/contact.events.js';

/** The columns a fold needs; rows arrive ordered by (workspace_id, stream_id, stream_position). */
export const FOLD_COLUMNS = 'workspace_id, stream_id, stream_position, event_type, data';

/**
 * Read-model rows of whole contact streams, folded with the aggregate's own `evolve`, as column
 * arrays for one multi-row INSERT ... SELECT FROM unnest(...) each. Mirrors contact-view.projection.ts:
 * a contact row unless deleted or merged away, a note per NoteAdded (on its own stream here; merges
 * move notes at the swap), a merge per ContactMergedInto.
 */
export class FoldedStreams {
  readonly streams = { workspace: [] as string[], id: [] as string[], version: [] as number[], state: [] as (string | null)[] };
  readonly notes = { workspace: [] as string[], id: [] as string[], stream: [] as string[], body: [] as string[], admin: [] as number[], at: [] as number[] };
  readonly merges = { workspace: [] as string[], from: [] as string[], into: [] as string[], at: [] as number[] };
  events = 0;

  constructor(private readonly decoder: EventDecoder) {}

  add(rows: Record<string, any>[]): void {
    let state: ContactState | null = null;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const event = { type: row.event_type, data: this.decoder.toStoredEvent(row).data } as ContactEvent;
      state = evolve(state, event);
      if (event.type === 'NoteAdded') {
        const { note_id, body, admin_id, occurred_at } = event.data;
        this.push(this.notes, [row.workspace_id, note_id, row.stream_id, body, admin_id, occurred_at]);
      } else if (event.type === 'ContactMergedInto') {
        this.push(this.merges, [row.workspace_id, row.stream_id, event.data.into_contact_id, event.data.occurred_at]);
      }
      const next = rows[i + 1];
      if (!next || next.stream_id !== row.stream_id || next.workspace_id !== row.workspace_id) {
        const live = !state.deleted && !state.merged_into;
        this.push(this.streams, [row.workspace_id, row.stream_id, row.stream_position, live ? JSON.stringify(state) : null]);
        state = null;
      }
    }
    this.events += rows.length;
  }

  get size(): number {
    return this.streams.id.length;
  }

  private push(columns: Record<string, unknown[]>, values: unknown[]): void {
    Object.values(columns).forEach((column, i) => column.push(values[i]));
  }
}
