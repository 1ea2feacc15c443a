import type { InlineProjection } from '@app/event-store';
import type { CompanyEvent } from '../domain/company.events.js';
import { type CompanyState, evolveCompany } from '../domain/company.state.js';
import { COUNTER_SLOTS, SNAPSHOT_EVERY } from '../store/read-model.projection.js';

/** A company_tags row: when and by whom a tag was last put on the company (admin null: by a token). */
export interface CompanyTagRow {
  tag_id: string;
  applied_at: number;
  admin_id: number | null;
}

/**
 * What events do to the company read models, written once: the inline projection below applies it in
 * the append statement. `counts` moves company_counts: key '' counts the workspace's companies, 'tag:<id>'
 * the companies carrying a tag.
 */
export interface CompanyChange {
  state: CompanyState | null;
  /** Whether the companies row stays: a deleted company has none. */
  live: boolean;
  tagApplications: CompanyTagRow[];
  tagRemovals: string[];
  counts: Map<string, number>;
  /** company_notes rows to add: each note at its position among the company's notes (1 is the first). */
  notes: CompanyNoteRow[];
  snapshots: { version: number; state: CompanyState }[];
}

/** A company_notes row. */
export interface CompanyNoteRow {
  id: string;
  position: number;
  body: string;
  admin_id: number;
  created_at: number;
}

export const TAG_COUNT_KEY = (tagId: string) => `tag:${tagId}`;

const liveTags = (state: CompanyState | null) => (state && !state.deleted ? state.tag_ids : []);

/** `before` is the state at `version` (0 and null for a new stream). */
export function projectCompanyEvents(before: CompanyState | null, version: number, events: readonly CompanyEvent[]): CompanyChange {
  let state = before;
  const applications = new Map<string, CompanyTagRow>();
  const snapshots: CompanyChange['snapshots'] = [];
  const notes: CompanyNoteRow[] = [];
  for (const [i, event] of events.entries()) {
    state = evolveCompany(state, event);
    if ((version + i + 1) % SNAPSHOT_EVERY === 0) snapshots.push({ version: version + i + 1, state });
    if (event.type === 'CompanyTagged') {
      const { tag_id, occurred_at, admin_id } = event.data;
      applications.set(tag_id, { tag_id, applied_at: occurred_at, admin_id });
    }
    if (event.type === 'CompanyNoteAdded') {
      const { note_id, body, admin_id, occurred_at } = event.data;
      notes.push({ id: note_id, position: state.note_count ?? 0, body, admin_id, created_at: occurred_at });
    }
  }
  const live = state !== null && !state.deleted;
  const [had, has] = [liveTags(before), liveTags(state)];
  const counts = new Map<string, number>();
  const wasLive = before !== null && !before.deleted;
  if (live !== wasLive) counts.set('', live ? 1 : -1);
  for (const tag of has) if (!had.includes(tag)) counts.set(TAG_COUNT_KEY(tag), 1);
  for (const tag of had) if (!has.includes(tag)) counts.set(TAG_COUNT_KEY(tag), -1);
  return {
    state,
    live,
    tagApplications: [...applications.values()].filter((a) => has.includes(a.tag_id)),
    tagRemovals: had.filter((tag) => !has.includes(tag)),
    counts,
    notes,
    snapshots,
  };
}

/** The change as SQL in the append statement; the first statement's rows (state, version) are the committed company. */
export function inlineCompanyProjection(workspaceId: string, companyId: string, change: CompanyChange): InlineProjection {
  return (bind) => {
    const ws = bind(workspaceId);
    const id = bind(companyId);
    const state = change.state!;
    const statements = [
      change.live
        ? `INSERT INTO companies (workspace_id, id, company_id, created_at, version, state)
           SELECT ${ws}, ${id}, ${bind(state.company_id)}, ${bind(state.created_at)}::bigint, stream.version, ${bind(JSON.stringify(state))}::jsonb FROM stream
           ON CONFLICT (workspace_id, id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state
             WHERE companies.version < EXCLUDED.version
           RETURNING state, version`
        : `DELETE FROM companies WHERE workspace_id = ${ws} AND id = ${id} AND EXISTS (SELECT 1 FROM stream) RETURNING NULL::jsonb AS state, version`,
    ];
    if (change.tagApplications.length > 0) {
      statements.push(
        `INSERT INTO company_tags (workspace_id, company_id, tag_id, applied_at, admin_id, created_at)
         SELECT ${ws}, ${id}, a.tag_id, a.applied_at, a.admin_id, ${bind(state.created_at)}::bigint
           FROM stream, jsonb_to_recordset(${bind(JSON.stringify(change.tagApplications))}::jsonb) AS a (tag_id text, applied_at bigint, admin_id bigint)
         ON CONFLICT (workspace_id, company_id, tag_id) DO UPDATE SET applied_at = EXCLUDED.applied_at, admin_id = EXCLUDED.admin_id`,
      );
    }
    if (change.tagRemovals.length > 0) {
      statements.push(
        `DELETE FROM company_tags WHERE workspace_id = ${ws} AND company_id = ${id} AND tag_id = ANY(${bind(change.tagRemovals)}::text[])
           AND EXISTS (SELECT 1 FROM stream)`,
      );
    }
    if (change.notes.length > 0) {
      statements.push(
        `INSERT INTO company_notes (workspace_id, id, company_id, position, body, admin_id, created_at)
         SELECT ${ws}, n.id, ${id}, n.position, n.body, n.admin_id, n.created_at
           FROM stream, jsonb_to_recordset(${bind(JSON.stringify(change.notes))}::jsonb) AS n (id text, position integer, body text, admin_id bigint, created_at bigint)`,
      );
    }
    if (change.snapshots.length > 0) {
      statements.push(
        `INSERT INTO company_snapshots (workspace_id, company_id, version, state)
         SELECT ${ws}, ${id}, s.version, s.state FROM stream, jsonb_to_recordset(${bind(JSON.stringify(change.snapshots))}::jsonb) AS s (version bigint, state jsonb)`,
      );
    }
    if (change.counts.size > 0) {
      // In key order, one random slot per key: concurrent writers take the rows in the same order.
      const keys = [...change.counts.keys()].sort();
      statements.push(
        `INSERT INTO company_counts (workspace_id, key, slot, n)
         SELECT ${ws}, k.key, floor(random() * ${COUNTER_SLOTS})::smallint, k.n
           FROM stream, unnest(${bind(keys)}::text[], ${bind(keys.map((key) => change.counts.get(key)))}::bigint[]) WITH ORDINALITY AS k (key, n, i)
          ORDER BY k.i
         ON CONFLICT (workspace_id, key, slot) DO UPDATE SET n = company_counts.n + EXCLUDED.n`,
      );
    }
    return statements;
  };
}
