import type { ContactState } from '../domain/contact.aggregate.js';
import type { ContactEvent } from '../domain/contact.events.js';

type Bind = (value: unknown) => string;

/**
 * The inline projection: SQL that runs in the append statement. The `contacts` row holds the folded
 * state (the aggregate's own evolve), so it is written whole; notes and merges have tables of their own.
 * The first statement's rows (state, version) are the committed contact.
 */
export function projectContact(state: ContactState, events: readonly ContactEvent[], bind: Bind): string[] {
  const ws = bind(state.workspace_id);
  const id = bind(state.id);
  const statements = [
    state.deleted || state.merged_into
      ? `DELETE FROM contacts WHERE workspace_id = ${ws} AND id = ${id} AND EXISTS (SELECT 1 FROM stream) RETURNING NULL::jsonb AS state, version`
      : `INSERT INTO contacts (workspace_id, id, version, state)
         SELECT ${ws}, ${id}, stream.version, ${bind(JSON.stringify(state))}::jsonb FROM stream
         ON CONFLICT (workspace_id, id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state
           WHERE contacts.version < EXCLUDED.version
         RETURNING state, version`,
  ];
  for (const event of events) {
    if (event.type === 'NoteAdded') {
      const { note_id, body, admin_id, occurred_at } = event.data;
      statements.push(
        `INSERT INTO contact_notes (workspace_id, id, contact_id, body, admin_id, created_at)
         SELECT ${ws}, ${bind(note_id)}, ${id}, ${bind(body)}, ${bind(admin_id)}::bigint, ${bind(occurred_at)}::bigint FROM stream`,
      );
    } else if (event.type === 'ContactMergedFrom') {
      statements.push(
        `UPDATE contact_notes SET contact_id = ${id}
          WHERE workspace_id = ${ws} AND contact_id = ${bind(event.data.from_contact_id)} AND EXISTS (SELECT 1 FROM stream)`,
      );
    } else if (event.type === 'ContactMergedInto') {
      statements.push(
        `INSERT INTO contact_merges (workspace_id, from_id, into_id, merged_at)
         SELECT ${ws}, ${id}, ${bind(event.data.into_contact_id)}, ${bind(event.data.occurred_at)}::bigint FROM stream`,
      );
    }
  }
  return statements;
}
