import { AdvisoryLease, type EventDecoder, type StoredEvent, readStreams, readStreamsPage, streamsMovedSince } from '@app/event-store';
import pg from 'pg';
import { CONTACT_STREAM } from './contact.repository.js';
import { contactColumns } from './contact-state.columns.js';
import { FoldedStreams } from './projection-fold.js';

export interface RebuildReport {
  events: number;
  streams: number;
  contacts: number;
  notes: number;
  merges: number;
  /** contact_event_summaries and contact_data_event_keys rows refilled from the data-event streams. */
  event_summaries: number;
  event_keys: number;
  /** companies, company_tags and company_notes rows refilled from the company streams. */
  companies: number;
  company_tags: number;
  company_notes: number;
  /** Streams that moved during the fold, folded again under the lock. */
  caught_up_streams: number;
  /** The longest any writer (and, for the refill, reader) of a read model waited: each part swaps on its own. */
  lock_seconds: number;
  seconds: number;
  events_per_second: number;
}

export interface RebuildOptions {
  /** Streams per read. Default 2000. */
  pageSize?: number;
  /** Runs between the fold and the swap: tests write there to prove the catch-up. */
  beforeSwap?: () => Promise<void>;
}

export type StreamKeys = [string[], string[]];

/**
 * What one stream type's read models need from the rebuild: staging, fold, catch-up and refill. The contacts' part is
 * below; the data events' and the companies' live in their folders (data-event.rebuild.ts, company.rebuild.ts).
 */
export interface RebuildPart {
  streamType: string;
  /** The temporary tables; `versions` holds (workspace_id, stream_id, version, ...) of every folded stream. */
  staging: string;
  versions: string;
  /** Run once the fold is staged: the keys the catch-up deletes by. */
  indexes: string;
  /** The read-model tables, locked, truncated and refilled together in the part's swap. */
  readModel: string;
  /** Folds a page of whole streams and writes its rows into the staging tables. */
  stage(client: pg.Client, events: StoredEvent[]): Promise<{ streams: number; events: number }>;
  /** Drops the staged rows of these streams, before they are folded again. */
  forget(client: pg.Client, keys: StreamKeys): Promise<void>;
  refill(client: pg.Client): Promise<Partial<RebuildReport>>;
}

/** Rows of the streams in $1 (workspace ids) and $2 (stream ids). */
export const PICK_STREAMS = '(workspace_id, stream_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))';

export const contactRebuild: RebuildPart = {
  streamType: CONTACT_STREAM,
  staging: `
    CREATE TEMP TABLE rebuild_streams (workspace_id text, stream_id text, version bigint, state jsonb, erased boolean);
    CREATE TEMP TABLE rebuild_notes (workspace_id text, id text, stream_id text, body text, admin_id bigint, created_at bigint, contact_id text);
    CREATE TEMP TABLE rebuild_merges (workspace_id text, from_id text, into_id text, merged_at bigint);
    CREATE TEMP TABLE rebuild_note_moves (workspace_id text, from_id text, into_id text);
    CREATE TEMP TABLE rebuild_tag_applications (workspace_id text, contact_id text, tag_id text, applied_at bigint, admin_id bigint);
    CREATE TEMP TABLE rebuild_snapshots (workspace_id text, contact_id text, version bigint, state jsonb)`,
  versions: 'rebuild_streams',
  indexes: 'ALTER TABLE rebuild_streams ADD PRIMARY KEY (workspace_id, stream_id); CREATE INDEX ON rebuild_notes (workspace_id, stream_id)',
  // contact_search_values, company_contacts and company_contact_stats are derived from contacts by triggers: TRUNCATE
  // fires none, so they are truncated with them, and the refill's INSERT into contacts fills them again.
  readModel:
    'contacts, contact_search_values, company_contacts, company_contact_stats, contact_notes, contact_merges, contact_tag_applications, contact_snapshots, contact_counts',
  async stage(client, events) {
    const page = new FoldedStreams();
    page.add(events);
    await stage(client, page);
    return { streams: page.size, events: page.events };
  },
  async forget(client, keys) {
    await client.query(`DELETE FROM rebuild_streams WHERE ${PICK_STREAMS}`, keys);
    await client.query(`DELETE FROM rebuild_notes WHERE ${PICK_STREAMS}`, keys);
    await client.query(`DELETE FROM rebuild_merges WHERE (workspace_id, from_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, keys);
    await client.query(`DELETE FROM rebuild_note_moves WHERE (workspace_id, into_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, keys);
    for (const table of ['rebuild_tag_applications', 'rebuild_snapshots']) {
      await client.query(`DELETE FROM ${table} WHERE (workspace_id, contact_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, keys);
    }
  },
  refill: (client) => refill(client),
};

/**
 * Replays the log into fresh read models: every contact stream into contacts, contact_notes, contact_merges,
 * contact_tag_applications and contact_snapshots (contact_counts recounted from the refilled contacts, and the
 * trigger-kept contact_search_values, company_contacts and company_contact_stats refilled with them); every
 * data-event stream into contact_event_summaries and contact_data_event_keys; every company stream into companies,
 * company_tags, company_notes, company_snapshots and company_counts (rebuild/rebuild-projections.ts names the parts). Each stream type
 * is folded by the projection its append uses.
 *
 * Fold, then swap. The fold (nearly all the work) reads the log without locks into temporary tables.
 * Each part's swap is one transaction: it locks that part's read-model tables against writers (EXCLUSIVE: reads go
 * on), folds again every stream of its type whose es_streams version moved meanwhile, then TRUNCATEs and refills the
 * real tables. Every append writes its read models in its own statement (store/contact.repository.ts,
 * companies/company.repository.ts, data-events/data-event.repository.ts), so once the lock is granted no event of
 * that type is in flight and es_streams is final for it: nothing written during the rebuild is lost, and appends
 * that arrive during the swap wait for it and apply on top. The parts swap one after another, so a writer waits at
 * most for its own part's swap. No append writes the read models of two parts, so no writer holds one part's tables
 * while waiting for another's.
 *
 * Why TRUNCATE-and-refill rather than building copies and renaming them in: the tables keep their
 * generated columns, every index and constraint under its own name (the repository maps unique
 * violations by constraint name, search relies on partial-index predicates), grants and anything a
 * later migration adds, with no DDL to re-derive. The price is that the refill runs under the lock.
 */
export async function rebuildProjections(
  pool: pg.Pool,
  decoder: EventDecoder,
  parts: readonly RebuildPart[],
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const started = performance.now();
  const client = new pg.Client(AdvisoryLease.connectionOf(pool, 'contacts-rebuild'));
  await client.connect();
  try {
    await client.query(`SET statement_timeout = 0; SET idle_in_transaction_session_timeout = '60s'; SET temp_buffers = '256MB'`);
    const { rows } = await client.query(`SELECT pg_try_advisory_lock(hashtextextended('contacts-projection-rebuild', 0)) AS locked`);
    if (!rows[0].locked) throw new Error('another projection rebuild is running');
    let events = 0;
    let streams = 0;
    for (const part of parts) {
      await client.query(part.staging);
      const folded = await foldAll(pool, client, decoder, part, options.pageSize ?? 2000);
      await client.query(part.indexes);
      events += folded.events;
      streams += folded.streams;
    }
    await options.beforeSwap?.();
    const report: Partial<RebuildReport> = { caught_up_streams: 0, lock_seconds: 0 };
    for (const part of parts) {
      const lockStarted = performance.now();
      const swapped = await swap(client, decoder, part);
      report.lock_seconds = Math.max(report.lock_seconds!, round((performance.now() - lockStarted) / 1000));
      report.caught_up_streams! += swapped.caughtUp;
      events += swapped.events;
      Object.assign(report, swapped.counts);
      await client.query(`ANALYZE ${part.readModel}`);
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      events,
      streams,
      contacts: report.contacts!,
      notes: report.notes!,
      merges: report.merges!,
      event_summaries: report.event_summaries!,
      event_keys: report.event_keys!,
      companies: report.companies!,
      company_tags: report.company_tags!,
      company_notes: report.company_notes!,
      caught_up_streams: report.caught_up_streams!,
      lock_seconds: report.lock_seconds!,
      seconds: round(seconds),
      events_per_second: Math.round(events / seconds),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Reads the next page on the pool while the current one is written on the rebuild session. */
async function foldAll(pool: pg.Pool, client: pg.Client, decoder: EventDecoder, part: RebuildPart, pageSize: number) {
  const read = (after: StoredEvent | null) => readStreamsPage(pool, decoder, part.streamType, after, pageSize);
  let next = read(null);
  let events = 0;
  let streams = 0;
  for (;;) {
    const page = await next;
    if (page.length === 0) return { events, streams };
    next = read(page[page.length - 1]);
    const staged = await part.stage(client, page);
    events += staged.events;
    streams += staged.streams;
  }
}

async function swap(client: pg.Client, decoder: EventDecoder, part: RebuildPart) {
  await client.query('BEGIN');
  try {
    await client.query(`LOCK TABLE ${part.readModel} IN EXCLUSIVE MODE`);
    const caughtUp = await catchUp(client, decoder, part);
    await client.query(`TRUNCATE ${part.readModel}`);
    const counts = await part.refill(client);
    await client.query('COMMIT');
    return { events: caughtUp.events, caughtUp: caughtUp.streams, counts };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function catchUp(client: pg.Client, decoder: EventDecoder, part: RebuildPart): Promise<{ streams: number; events: number }> {
  const moved = await streamsMovedSince(client, part.streamType, part.versions);
  if (moved.length === 0) return { streams: 0, events: 0 };
  await part.forget(client, [moved.map((m) => m.workspaceId), moved.map((m) => m.streamId)]);
  return part.stage(client, await readStreams(client, decoder, moved));
}

async function stage(client: pg.Client, page: FoldedStreams): Promise<void> {
  const { streams: s, notes: n, merges: m, noteMoves: v, tagApplications: a, snapshots: p } = page;
  await client.query('INSERT INTO rebuild_streams SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[], $5::boolean[])', [
    s.workspace, s.id, s.version, s.state, s.erased,
  ]);
  if (n.id.length > 0) {
    await client.query(
      'INSERT INTO rebuild_notes SELECT *, s FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[]) AS u(w, i, s, b, a, c)',
      [n.workspace, n.id, n.stream, n.body, n.admin, n.at],
    );
  }
  if (m.from.length > 0) {
    await client.query('INSERT INTO rebuild_merges SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])', [m.workspace, m.from, m.into, m.at]);
  }
  if (v.from.length > 0) {
    await client.query('INSERT INTO rebuild_note_moves SELECT * FROM unnest($1::text[], $2::text[], $3::text[])', [v.workspace, v.from, v.into]);
  }
  if (a.tag.length > 0) {
    await client.query('INSERT INTO rebuild_tag_applications SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])', [
      a.workspace, a.contact, a.tag, a.at, a.admin,
    ]);
  }
  if (p.version.length > 0) {
    await client.query('INSERT INTO rebuild_snapshots SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[])', [p.workspace, p.contact, p.version, p.state]);
  }
}

async function refill(client: pg.Client): Promise<{ contacts: number; notes: number; merges: number }> {
  // The projection's note moves (a merge hands the lead's notes to the user), applied once every stream is staged;
  // following them again covers notes that moved twice.
  for (let hop = 0; hop < 5; hop++) {
    const moved = await client.query(
      `UPDATE rebuild_notes n SET contact_id = m.into_id FROM rebuild_note_moves m WHERE m.workspace_id = n.workspace_id AND m.from_id = n.contact_id`,
    );
    if (moved.rowCount === 0) break;
  }
  // An erased contact's notes are gone, those merged into it too (an erased lead's own notes were never staged).
  await client.query(
    'DELETE FROM rebuild_notes n USING rebuild_streams s WHERE s.erased AND s.workspace_id = n.workspace_id AND s.stream_id = n.contact_id',
  );
  const contacts = await client.query(
    'INSERT INTO contacts (workspace_id, id, version, state) SELECT workspace_id, stream_id, version, state FROM rebuild_streams WHERE state IS NOT NULL',
  );
  const notes = await client.query(
    'INSERT INTO contact_notes (workspace_id, id, contact_id, body, admin_id, created_at) SELECT workspace_id, id, contact_id, body, admin_id, created_at FROM rebuild_notes',
  );
  const merges = await client.query('INSERT INTO contact_merges (workspace_id, from_id, into_id, merged_at) SELECT * FROM rebuild_merges');
  await client.query('INSERT INTO contact_tag_applications (workspace_id, contact_id, tag_id, applied_at, admin_id) SELECT * FROM rebuild_tag_applications');
  await client.query('INSERT INTO contact_snapshots (workspace_id, contact_id, version, state) SELECT * FROM rebuild_snapshots');
  // The counters from scratch: one slot per workspace holds its count, appends spread from there.
  await client.query(
    `INSERT INTO contact_counts (workspace_id, slot, visible) SELECT c.workspace_id, 0, count(*) FROM contacts c WHERE ${contactColumns('c').visible} GROUP BY c.workspace_id`,
  );
  return { contacts: contacts.rowCount ?? 0, notes: notes.rowCount ?? 0, merges: merges.rowCount ?? 0 };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
