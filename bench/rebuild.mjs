// Rebuild speed: synthetic contact streams appended straight into the log (one INSERT per chunk of contacts, no HTTP),
// then `projections rebuild` through the built CLI, as an operator would run it.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { adopt } from './cleanup.mjs';
import { freshDatabase } from './database.mjs';

const CLI_MAIN = new URL('../dist/apps/contacts-api/src/cli.js', import.meta.url);
const EVENTS_PER_CONTACT = 10;
const CHUNK_CONTACTS = 2_000;

/**
 * Appends `events` events (contacts of one ContactCreated and nine ContactUpdated each) into a database of their own
 * on the run's server (so that the report counts them alone), and rebuilds its read model. `transform` and `env`:
 * see seedEvents, and what the CLI runs with.
 */
export async function benchRebuild({ databaseUrl, events, label = '', env = {}, transform }) {
  if (events <= 0) {
    console.log(`bench: ${label}projection rebuild skipped (BENCH_REBUILD_EVENTS=0)`);
    return { skipped: 'BENCH_REBUILD_EVENTS=0' };
  }
  const server = new URL(databaseUrl);
  server.pathname = '/postgres';
  const database = await freshDatabase(server.toString());
  // The CLI migrates the new database before it answers.
  await runCli(database.url, ['processors', 'parked'], env);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let seeded;
  try {
    seeded = await seedEvents(client, events, 'benchrb1', transform);
  } finally {
    await client.end();
  }
  console.log(`bench: appended in ${seeded.seconds} s; running npm run cli -- projections rebuild`);
  const report = await runCli(database.url, ['projections', 'rebuild'], env);
  console.log(`bench: rebuilt ${report.events} ${label}events into ${report.contacts} contacts in ${report.seconds} s (${report.events_per_second} events/s)`);
  return { seeded, report };
}

/**
 * Appends the synthetic streams of workspace `ws` straight into the log, CHUNK_CONTACTS contacts per statement.
 * `transform` ((client, rows) => rows) may rewrite a chunk's event data before it is written: the sealed rebuild seals it.
 */
async function seedEvents(client, events, ws, transform = async (_client, rows) => rows) {
  const contacts = Math.ceil(events / EVENTS_PER_CONTACT);
  console.log(`bench: appending ${contacts * EVENTS_PER_CONTACT} events (${contacts} contacts) straight into es_events`);
  const started = performance.now();
  for (let from = 1; from <= contacts; from += CHUNK_CONTACTS) {
    const rows = await transform(client, eventRows(ws, from, Math.min(contacts, from + CHUNK_CONTACTS - 1)));
    await client.query(INSERT, [
      ws,
      rows.map((r) => r.stream_id),
      rows.map((r) => r.stream_position),
      rows.map((r) => r.event_type),
      rows.map((r) => JSON.stringify(r.data)),
      EVENTS_PER_CONTACT,
    ]);
  }
  return { events: contacts * EVENTS_PER_CONTACT, contacts, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

/** Contacts `from`..`to` of `ws`: the real event shapes (see contact.events.ts). */
function eventRows(ws, from, to) {
  const rows = [];
  for (let n = from; n <= to; n++) {
    const id = `b0${n.toString(16).padStart(22, '0')}`;
    const at = 1_764_200_000 + n;
    rows.push({
      workspace_id: ws,
      stream_id: id,
      stream_position: 1,
      event_type: 'ContactCreated',
      data: {
        contact_id: id, workspace_id: ws, role: 'user', external_id: `rb-${n}`, email: `rb-${n}@example.com`, phone: null,
        name: `Rebuild ${n} v1`, avatar: null, owner_id: null, signed_up_at: null, last_seen_at: null,
        unsubscribed_from_emails: false, custom_attributes: {}, occurred_at: at,
      },
    });
    for (let p = 2; p <= EVENTS_PER_CONTACT; p++) {
      const data = { changes: { name: { from: `Rebuild ${n} v${p - 1}`, to: `Rebuild ${n} v${p}` } }, occurred_at: at + p };
      rows.push({ workspace_id: ws, stream_id: id, stream_position: p, event_type: 'ContactUpdated', data });
    }
  }
  return rows;
}

// $1 the workspace, $2..$5 the events (stream, position, type, data as JSON text), $6 each stream's version.
const INSERT = `
  WITH e AS (
    SELECT * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[]) AS e(stream_id, stream_position, event_type, data)
  ), streams AS (
    INSERT INTO es_streams (workspace_id, stream_id, stream_type, version)
    SELECT $1, stream_id, 'contact', $6 FROM e WHERE stream_position = 1
  )
  INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
  SELECT $1, e.stream_id, e.stream_position, gen_random_uuid(), e.event_type, e.data::jsonb,
         '{"actor": {"type": "system", "id": "bench"}, "request_id": null}'::jsonb
    FROM e ORDER BY e.stream_id, e.stream_position`;

function runCli(databaseUrl, args, env = {}) {
  const child = adopt(spawn(process.execPath, [CLI_MAIN.pathname, ...args], { env: { ...process.env, ...env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const out = [];
  const err = [];
  child.stdout.on('data', (chunk) => out.push(chunk));
  child.stderr.on('data', (chunk) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`npm run cli -- ${args.join(' ')} exited with ${code}: ${Buffer.concat(err).toString().slice(-2000)}`));
      try {
        resolve(JSON.parse(Buffer.concat(out).toString()));
      } catch {
        reject(new Error(`npm run cli -- ${args.join(' ')} printed no JSON: ${Buffer.concat(out).toString().slice(-500)}`));
      }
    });
  });
}
