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
  /** Streams that moved during the fold, folded again under the lock. */
  caught_up_streams: number;
  /** How long writers (and, for the refill, readers) of the read model waited. */
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

const STAGING = `
  CREATE TEMP TABLE rebuild_streams (workspace_id text, stream_id text, version bigint, state jsonb);
  CREATE TEMP TABLE rebuild_notes (workspace_id text, id text, stream_id text, body text, admin_id bigint, created_at bigint, contact_id text);
  CREATE TEMP TABLE rebuild_merges (workspace_id text, from_id text, into_id text, merged_at bigint);
  CREATE TEMP TABLE rebuild_note_moves (workspace_id text, from_id text, into_id text);
  CREATE TEMP TABLE rebuild_tag_applications (workspace_id text, contact_id text, tag_id text, applied_at bigint, admin_id bigint);
  CREATE TEMP TABLE rebuild_snapshots (workspace_id text, contact_id text, version bigint, state jsonb)`;

/** The read-model tables the rebuild replaces, locked and refilled together. */
// contact_search_values, company_contacts and company_contact_stats are derived from contacts by triggers: TRUNCATE
// fires none, so they are truncated with them, and the refill's INSERT into contacts fills them again.
const READ_MODEL =
  'contacts, contact_search_values, company_contacts, company_contact_stats, contact_notes, contact_merges, contact_tag_applications, contact_snapshots, contact_counts';

/**
 * Replays every contact stream into fresh contacts, contact_notes, contact_merges, contact_tag_applications
 * and contact_snapshots, and recounts contact_counts from the refilled contacts.
 *
 * Fold, then swap. The fold (nearly all the work) reads the log without locks into temporary tables.
 * The swap is one transaction: it locks the read-model tables against writers (EXCLUSIVE: reads go
 * on), folds again every stream whose es_streams version moved meanwhile, then TRUNCATEs and refills
 * the real tables. Every contact append writes `contacts` in its own statement (store/contact.repository.ts),
 * so once the lock is granted no contact event is in flight and es_streams is final: nothing written
 * during the rebuild is lost, and appends that arrive during the swap wait for it and apply on top.
 *
 * Why TRUNCATE-and-refill rather than building copies and renaming them in: the tables keep their
 * generated columns, every index and constraint under its own name (the repository maps unique
 * violations by constraint name, search relies on partial-index predicates), grants and anything a
 * later migration adds, with no DDL to re-derive. The price is that the refill runs under the lock.
 */
export async function rebuildContactProjections(pool: pg.Pool, decoder: EventDecoder, options: RebuildOptions = {}): Promise<RebuildReport> {
  const started = performance.now();
  const client = new pg.Client(AdvisoryLease.connectionOf(pool, 'contacts-rebuild'));
  await client.connect();
  try {
    await client.query(`SET statement_timeout = 0; SET idle_in_transaction_session_timeout = '60s'; SET temp_buffers = '256MB'`);
    const { rows } = await client.query(`SELECT pg_try_advisory_lock(hashtextextended('contacts-projection-rebuild', 0)) AS locked`);
    if (!rows[0].locked) throw new Error('another projection rebuild is running');
    await client.query(STAGING);
    const folded = await foldAll(pool, client, decoder, options.pageSize ?? 2000);
    await client.query('ALTER TABLE rebuild_streams ADD PRIMARY KEY (workspace_id, stream_id)');
    await client.query('CREATE INDEX ON rebuild_notes (workspace_id, stream_id)');
    await options.beforeSwap?.();
    const lockStarted = performance.now();
    const swapped = await swap(client, decoder);
    const lockSeconds = (performance.now() - lockStarted) / 1000;
    await client.query(`ANALYZE ${READ_MODEL}`);
    const seconds = (performance.now() - started) / 1000;
    const events = folded.events + swapped.events;
    return {
      events,
      streams: folded.streams,
      ...swapped.counts,
      caught_up_streams: swapped.caughtUp,
      lock_seconds: round(lockSeconds),
      seconds: round(seconds),
      events_per_second: Math.round(events / seconds),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Reads the next page on the pool while the current one is written on the rebuild session. */
async function foldAll(pool: pg.Pool, client: pg.Client, decoder: EventDecoder, pageSize: number) {
  const read = (after: StoredEvent | null) => readStreamsPage(pool, decoder, CONTACT_STREAM, after, pageSize);
  let next = read(null);
  let events = 0;
  let streams = 0;
  for (;;) {
    const page = new FoldedStreams();
    page.add(await next);
    if (page.size === 0) return { events, streams };
    next = read(page.last);
    await stage(client, page);
    events += page.events;
    streams += page.size;
  }
}

async function swap(client: pg.Client, decoder: EventDecoder) {
  await client.query('BEGIN');
  try {
    await client.query(`LOCK TABLE ${READ_MODEL} IN EXCLUSIVE MODE`);
    const caughtUp = await catchUp(client, decoder);
    await client.query(`TRUNCATE ${READ_MODEL}`);
    const counts = await refill(client);
    await client.query('COMMIT');
    return { events: caughtUp.events, caughtUp: caughtUp.streams, counts };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function catchUp(client: pg.Client, decoder: EventDecoder): Promise<{ streams: number; events: number }> {
  const moved = await streamsMovedSince(client, CONTACT_STREAM, 'rebuild_streams');
  if (moved.length === 0) return { streams: 0, events: 0 };
  const keys = [moved.map((m) => m.workspaceId), moved.map((m) => m.streamId)];
  const pick = '(workspace_id, stream_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))';
  await client.query(`DELETE FROM rebuild_streams WHERE ${pick}`, keys);
  await client.query(`DELETE FROM rebuild_notes WHERE ${pick}`, keys);
  await client.query(`DELETE FROM rebuild_merges WHERE (workspace_id, from_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, keys);
  await client.query(`DELETE FROM rebuild_note_moves WHERE (workspace_id, into_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, keys);
  for (const table of ['rebuild_tag_applications', 'rebuild_snapshots']) {
    await client.query(`DELETE FROM ${table} WHERE (workspace_id, contact_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, keys);
  }
  const page = new FoldedStreams();
  page.add(await readStreams(client, decoder, moved));
  await stage(client, page);
  return { streams: page.size, events: page.events };
}

async function stage(client: pg.Client, page: FoldedStreams): Promise<void> {
  const { streams: s, notes: n, merges: m, noteMoves: v, tagApplications: a, snapshots: p } = page;
  await client.query('INSERT INTO rebuild_streams SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[])', [s.workspace, s.id, s.version, s.state]);
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
