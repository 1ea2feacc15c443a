import { type EventDecoder, type Queryable, type StoredEvent, readStreamRanges } from '@app/event-store';
import { toCompanyEvent } from '../domain/company.events.js';
import { type CompanyState, evolveCompany } from '../domain/company.state.js';

/** The state of a company's stream at a version; version 0 and no state is the start of the stream. */
export interface CompanySnapshot {
  version: number;
  state: CompanyState | null;
}

interface Run {
  workspaceId: string;
  streamId: string;
  first: number;
  last: number;
  wanted: Map<number, string>;
}

const NEAREST = `
  SELECT w.ws AS workspace_id, w.sid AS company_id, s.version, s.state
    FROM unnest($1::text[], $2::text[], $3::bigint[]) AS w (ws, sid, pos)
    CROSS JOIN LATERAL (
      SELECT version, state FROM company_snapshots
       WHERE workspace_id = w.ws AND company_id = w.sid AND version <= w.pos ORDER BY version DESC LIMIT 1) s`;

/**
 * The company as each of these events left it, by event id, folded with `evolveCompany` from the nearest
 * snapshot before the stream's first wanted event (the projection writes one every SNAPSHOT_EVERY
 * versions). A batch of the log holds a stream's events between its first and last wanted ones, so a
 * run reads at most SNAPSHOT_EVERY events more than the batch holds. What the webhook notifier renders.
 */
export async function companyStatesAfter(db: Queryable, decoder: EventDecoder, events: StoredEvent[]): Promise<Map<string, CompanyState>> {
  const runs = new Map<string, Run>();
  for (const event of events) {
    const key = `${event.workspaceId}/${event.streamId}`;
    const run = runs.get(key) ?? { workspaceId: event.workspaceId, streamId: event.streamId, first: event.streamPosition, last: event.streamPosition, wanted: new Map() };
    run.first = Math.min(run.first, event.streamPosition);
    run.last = Math.max(run.last, event.streamPosition);
    run.wanted.set(event.streamPosition, event.eventId);
    runs.set(key, run);
  }
  const list = [...runs.values()];
  const { rows } = await db.query({
    name: 'company_snapshots_nearest',
    text: NEAREST,
    values: [list.map((r) => r.workspaceId), list.map((r) => r.streamId), list.map((r) => r.first - 1)],
  });
  const starts = new Map<string, CompanySnapshot>(rows.map((row) => [`${row.workspace_id}/${row.company_id}`, { version: Number(row.version), state: row.state }]));
  const ranges = list.map((run) => ({ ...run, from: (starts.get(`${run.workspaceId}/${run.streamId}`)?.version ?? 0) + 1, to: run.last }));
  const states = new Map<string, CompanyState>();
  const folded = new Map<string, CompanyState | null>();
  for (const event of await readStreamRanges(db, decoder, ranges)) {
    const key = `${event.workspaceId}/${event.streamId}`;
    const state = evolveCompany(folded.has(key) ? folded.get(key)! : (starts.get(key)?.state ?? null), toCompanyEvent(event));
    folded.set(key, state);
    const id = runs.get(key)?.wanted.get(event.streamPosition);
    if (id) states.set(id, state);
  }
  return states;
}
