import type { InlineProjection } from '@app/event-store';
import type { ContactEvent } from '../domain/contact.events.js';
import { type ContactState, evolve } from '../domain/contact.state.js';

/** A contact_notes row. Notes stay in the table when their contact goes; reads join the live contacts. */
export interface NoteRow {
  id: string;
  body: string;
  admin_id: number;
  created_at: number;
}

/** A contact_merges row: where a merged-away lead lives on. */
export interface MergeRow {
  into_id: string;
  merged_at: number;
}

/**
 * What events do to the read model: the projection, written once. The inline projection (SQL in the
 * append statement, below) and the rebuild (projection-rebuild.ts) both apply what this returns.
 */
export interface ReadModelChange {
  /** The folded state; null only when there were no events to fold. */
  state: ContactState | null;
  /** Whether the contacts row stays: a deleted or merged-away contact has none. */
  live: boolean;
  notes: NoteRow[];
  /** Leads merged in: their notes now belong to this contact. */
  notesMovedFrom: string[];
  merges: MergeRow[];
}

export function projectEvents(before: ContactState | null, events: readonly ContactEvent[]): ReadModelChange {
  let state = before;
  const change: ReadModelChange = { state, live: false, notes: [], notesMovedFrom: [], merges: [] };
  for (const event of events) {
    state = evolve(state, event);
    if (event.type === 'NoteAdded') {
      const { note_id, body, admin_id, occurred_at } = event.data;
      change.notes.push({ id: note_id, body, admin_id, created_at: occurred_at });
    } else if (event.type === 'ContactMergedFrom') {
      change.notesMovedFrom.push(event.data.from_contact_id);
    } else if (event.type === 'ContactMergedInto') {
      change.merges.push({ into_id: event.data.into_contact_id, merged_at: event.data.occurred_at });
    }
  }
  return { ...change, state, live: state !== null && !state.deleted && !state.merged_into };
}

/**
 * The change as SQL that runs in the append statement. The `contacts` row holds the folded state, so
 * it is written whole. The first statement's rows (state, version) are the committed contact.
 */
export function inlineProjection(workspaceId: string, contactId: string, change: ReadModelChange): InlineProjection {
  return (bind) => {
    const ws = bind(workspaceId);
    const id = bind(contactId);
    const statements = [
      change.live
        ? `INSERT INTO contacts (workspace_id, id, version, state)
           SELECT ${ws}, ${id}, stream.version, ${bind(JSON.stringify(change.state))}::jsonb FROM stream
           ON CONFLICT (workspace_id, id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state
             WHERE contacts.version < EXCLUDED.version
           RETURNING state, version`
        : `DELETE FROM contacts WHERE workspace_id = ${ws} AND id = ${id} AND EXISTS (SELECT 1 FROM stream) RETURNING NULL::jsonb AS state, version`,
    ];
    for (const note of change.notes) {
      statements.push(
        `INSERT INTO contact_notes (workspace_id, id, contact_id, body, admin_id, created_at)
         SELECT ${ws}, ${bind(note.id)}, ${id}, ${bind(note.body)}, ${bind(note.admin_id)}::bigint, ${bind(note.created_at)}::bigint FROM stream`,
      );
    }
    for (const from of change.notesMovedFrom) {
      statements.push(
        `UPDATE contact_notes SET contact_id = ${id} WHERE workspace_id = ${ws} AND contact_id = ${bind(from)} AND EXISTS (SELECT 1 FROM stream)`,
      );
    }
    for (const merge of change.merges) {
      statements.push(
        `INSERT INTO contact_merges (workspace_id, from_id, into_id, merged_at)
         SELECT ${ws}, ${id}, ${bind(merge.into_id)}, ${bind(merge.merged_at)}::bigint FROM stream`,
      );
    }
    return statements;
  };
}
