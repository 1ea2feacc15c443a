// Rebuild speed: synthetic contact streams appended straight into the log (one INSERT ... SELECT per chunk, no HTTP),
// then `projections rebuild` through the built CLI, as an operator would run it.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { adopt } from './cleanup.mjs';

const CLI_MAIN = new URL('../dist/apps/contacts-api/src/cli.js', import.meta.url);
const EVENTS_PER_CONTACT = 10;
const CHUNK_CONTACTS = 10_000;

/** Appends `events` events (contacts of one ContactCreated and nine ContactUpdated each) and rebuilds the read model. */
export async function benchRebuild({ databaseUrl, events }) {
  if (events <= 0) {
    console.log('bench: projection rebuild skipped (BENCH_REBUILD_EVENTS=0)');
    return { skipped: 'BENCH_REBUILD_EVENTS=0' };
  }
  const contacts = Math.ceil(events / EVENTS_PER_CONTACT);
  console.log(`bench: appending ${contacts * EVENTS_PER_CONTACT} events (${contacts} contacts) straight into es_events`);
  const seedStarted = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let from = 1; from <= contacts; from += CHUNK_CONTACTS) await client.query(SEED, [from, Math.min(contacts, from + CHUNK_CONTACTS - 1), EVENTS_PER_CONTACT]);
  } finally {
    await client.end();
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(`bench: appended in ${seedSeconds.toFixed(1)} s; running npm run cli -- projections rebuild`);
  const report = await runCli(databaseUrl, ['projections', 'rebuild']);
  console.log(`bench: rebuilt ${report.events} events into ${report.contacts} contacts in ${report.seconds} s (${report.events_per_second} events/s)`);
  return { seeded: { events: contacts * EVENTS_PER_CONTACT, contacts, seconds: Math.round(seedSeconds * 10) / 10 }, report };
}

// $1..$2: contact numbers, $3 events per contact. The payloads are the real event shapes (see contact.events.ts).
const SEED = `
  WITH c AS (
    SELECT n, 'b0' || lpad(to_hex(n), 22, '0') AS id, 'benchrb1' AS ws FROM generate_series($1::int, $2::int) AS n
  ), streams AS (
    INSERT INTO es_streams (workspace_id, stream_id, stream_type, version) SELECT ws, id, 'contact', $3 FROM c
  )
  INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
  SELECT c.ws, c.id, p, gen_random_uuid(),
         CASE WHEN p = 1 THEN 'ContactCreated' ELSE 'ContactUpdated' END,
         CASE WHEN p = 1 THEN jsonb_build_object(
                'contact_id', c.id, 'workspace_id', c.ws, 'role', 'user', 'external_id', 'rb-' || c.n,
                'email', 'rb-' || c.n || '@example.com', 'phone', NULL, 'name', 'Rebuild ' || c.n || ' v1', 'avatar', NULL,
                'owner_id', NULL, 'signed_up_at', NULL, 'last_seen_at', NULL, 'unsubscribed_from_emails', false,
                'custom_attributes', '{}'::jsonb, 'occurred_at', 1764200000 + c.n)
              ELSE jsonb_build_object(
                'changes', jsonb_build_object('name', jsonb_build_object('from', 'Rebuild ' || c.n || ' v' || (p - 1), 'to', 'Rebuild ' || c.n || ' v' || p)),
                'occurred_at', 1764200000 + c.n + p)
         END,
         '{"actor": {"type": "system", "id": "bench"}, "request_id": null}'::jsonb
    FROM c CROSS JOIN generate_series(1, $3::int) AS p`;

function runCli(databaseUrl, args) {
  const child = adopt(spawn(process.execPath, [CLI_MAIN.pathname, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const out = [];
  const err = [];
  child.stdout.on('data', (chunk) => out.push(chunk));
  child.stderr.on('data', (chunk) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`projections rebuild exited with ${code}: ${Buffer.concat(err).toString().slice(-2000)}`));
      try {
        resolve(JSON.parse(Buffer.concat(out).toString()));
      } catch {
        reject(new Error(`projections rebuild printed no JSON report: ${Buffer.concat(out).toString().slice(-500)}`));
      }
    });
  });
}
