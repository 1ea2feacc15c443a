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

/** A contact_tag_applications row: when and by whom a tag was last put on the contact (null: by a merge, or a token). */
export interface TagApplicationRow {
  tag_id: string;
  applied_at: number;
  admin_id: number | null;
}

/** A contact_snapshots row: the folded state at a version. */
export interface SnapshotRow {
  version: number;
  state: ContactState;
}

/**
 * The projection snapshots the state at every version that is a multiple of this: a read that needs the
 * state at some version folds at most this many events from the nearest snapshot, and the write path
 * pays one extra row on one append in this many.
 */
export const SNAPSHOT_EVERY = 100;

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
  /** At most one per tag: the latest application in these events. */
  tagApplications: TagApplicationRow[];
  snapshots: SnapshotRow[];
  /** How these events move the workspace's count of listed contacts (contact_counts): -1, 0 or +1. */
  visibleDelta: number;
  /**
   * The contact ends erased: its notes (its own, wherever a merge moved them, and those merged in), tag applications,
   * snapshots, merge row and data-event read models are deleted. The rebuild writes none of them for it either.
   */
  erased: boolean;
}

/**
 * Counter rows per workspace in contact_counts: each append moves one chosen at random, so concurrent
 * creates of a workspace seldom wait on the same row; the list's total sums them (COUNTER_SLOTS rows).
 */
export const COUNTER_SLOTS = 8;

/** Listed in GET /contacts: live and not archived (the SQL of the same rule is contactColumns().visible). */
export const isListed = (state: ContactState | null): boolean => isLive(state) && !state!.archived;

/** Whether the contact has a contacts row: not deleted, merged away or erased. */
const isLive = (state: ContactState | null): boolean => state !== null && !state.deleted && !state.merged_into && !state.erased;

/** `before` is the state at `version` (0 and null for a new stream). */
export function projectEvents(before: ContactState | null, version: number, events: readonly ContactEvent[]): ReadModelChange {
  let state = before;
  const change: ReadModelChange = { state, live: false, notes: [], notesMovedFrom: [], merges: [], tagApplications: [], snapshots: [], visibleDelta: 0, erased: false };
  const applications = new Map<string, TagApplicationRow>();
  for (const [i, event] of events.entries()) {
    const previous = state;
    state = evolve(state, event);
    if ((version + i + 1) % SNAPSHOT_EVERY === 0) change.snapshots.push({ version: version + i + 1, state });
    if (event.type === 'ContactTagged') {
      const { tag_id, occurred_at, admin_id } = event.data;
      applications.set(tag_id, { tag_id, applied_at: occurred_at, admin_id: admin_id ?? null });
    } else if (event.type === 'ContactMergedFrom') {
      // A tag the lead brings counts as applied by the merge, unless the user already had it on.
      for (const tag_id of event.data.tag_ids) {
        if (!previous?.tag_ids.includes(tag_id)) applications.set(tag_id, { tag_id, applied_at: event.data.occurred_at, admin_id: null });
      }
    }
    if (event.type === 'NoteAdded') {
      const { note_id, body, admin_id, occurred_at } = event.data;
      change.notes.push({ id: note_id, body, admin_id, created_at: occurred_at });
    } else if (event.type === 'ContactMergedFrom') {
      change.notesMovedFrom.push(event.data.from_contact_id);
    } else if (event.type === 'ContactMergedInto') {
      change.merges.push({ into_id: event.data.into_contact_id, merged_at: event.data.occurred_at });
    }
  }
  change.tagApplications = [...applications.values()];
  const visibleDelta = Number(isListed(state)) - Number(isListed(before));
  if (state?.erased) {
    // An erased contact keeps no row that its values could be in; a replay (whose values read as erased) agrees.
    return { ...change, state, live: false, notes: [], merges: [], tagApplications: [], snapshots: [], visibleDelta, erased: true };
  }
  return { ...change, state, live: isLive(state), visibleDelta, erased: false };
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
    if (change.tagApplications.length > 0) {
      statements.push(
        `INSERT INTO contact_tag_applications (workspace_id, contact_id, tag_id, applied_at, admin_id)
         SELECT ${ws}, ${id}, a.tag_id, a.applied_at, a.admin_id
           FROM stream, jsonb_to_recordset(${bind(JSON.stringify(change.tagApplications))}::jsonb) AS a(tag_id text, applied_at bigint, admin_id bigint)
         ON CONFLICT (workspace_id, contact_id, tag_id) DO UPDATE SET applied_at = EXCLUDED.applied_at, admin_id = EXCLUDED.admin_id`,
      );
    }
    if (change.snapshots.length > 0) {
      statements.push(
        `INSERT INTO contact_snapshots (workspace_id, contact_id, version, state)
         SELECT ${ws}, ${id}, s.version, s.state FROM stream, jsonb_to_recordset(${bind(JSON.stringify(change.snapshots))}::jsonb) AS s(version bigint, state jsonb)
         ON CONFLICT DO NOTHING`,
      );
    }
    if (change.erased) statements.push(...erasedRows(ws, id, bind(change.state!.note_ids)));
    if (change.visibleDelta !== 0) {
      // A merge appends the user before the lead (contact.repository.ts), and only the lead's count moves:
      // the counter row is the last lock its transaction takes, so it cannot deadlock with another append.
      statements.push(
        `INSERT INTO contact_counts (workspace_id, slot, visible)
         SELECT ${ws}, floor(random() * ${COUNTER_SLOTS})::smallint, ${bind(change.visibleDelta)}::bigint FROM stream
         ON CONFLICT (workspace_id, slot) DO UPDATE SET visible = contact_counts.visible + EXCLUDED.visible`,
      );
    }
    return statements;
  };
}

/**
 * The rows an erased contact leaves in its own read models, deleted in the append of ContactErased. Its contacts row
 * goes with the first statement, and with it (by trigger) its contact_search_values, company_contacts and
 * company_contact_stats share. `noteIds`: the notes its stream added, which a merge may have moved to a user.
 */
function erasedRows(ws: string, id: string, noteIds: string): string[] {
  const guard = 'AND EXISTS (SELECT 1 FROM stream)';
  return [
    `DELETE FROM contact_notes WHERE workspace_id = ${ws} AND (contact_id = ${id} OR id = ANY(${noteIds}::text[])) ${guard}`,
    `DELETE FROM contact_tag_applications WHERE workspace_id = ${ws} AND contact_id = ${id} ${guard}`,
    `DELETE FROM contact_snapshots WHERE workspace_id = ${ws} AND contact_id = ${id} ${guard}`,
    `DELETE FROM contact_merges WHERE workspace_id = ${ws} AND from_id = ${id} ${guard}`,
    `DELETE FROM contact_event_summaries WHERE workspace_id = ${ws} AND contact_id = ${id} ${guard}`,
    `DELETE FROM contact_data_event_keys WHERE workspace_id = ${ws} AND contact_id = ${id} ${guard}`,
  ];
}
