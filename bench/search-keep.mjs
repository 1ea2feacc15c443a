// BENCH_SEARCH_KEEP=1: the search workspaces live in a database of their own, bench_search_v<SEED_VERSION> on
// DATABASE_URL's server, kept between runs so that a million contacts are seeded once. It is reused when it was
// seeded by the same data generator and projection, under the build's migrations or a first part of them (the rest
// run when the service starts on it, as an upgrade does in production). Anything else (the seed or the projection
// code changes, a migration it ran is not the build's, a run died while seeding) drops and re-creates it, so a kept
// database is never measured stale. bench_search_meta records what seeded it.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { SEED_VERSION } from './search-data.mjs';
import { fromDist } from './search-seed.mjs';

const SEED_SOURCES = ['./search-data.mjs', './search-seed.mjs', '../dist/libs/contacts/src/store/read-model.projection.js'];

export const keptDatabaseName = () => `bench_search_v${SEED_VERSION}`;

/** Opens (creating or re-creating when stale) the kept database; returns its url and its record of seeded workspaces. */
export async function openKeptDatabase(serverUrl = process.env.DATABASE_URL) {
  if (!serverUrl) throw new Error('BENCH_SEARCH_KEEP=1 needs DATABASE_URL: an embedded PostgreSQL is gone after the run');
  const name = keptDatabaseName();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const expected = await fingerprint();
  const exists = (await query(serverUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;
  const stale = exists ? await staleness(url.toString(), expected) : 'it does not exist yet';
  if (stale) {
    console.log(`bench: kept search database ${name}: (re)creating it, ${stale}`);
    if (exists) await query(serverUrl, `DROP DATABASE ${name} WITH (FORCE)`);
    await query(serverUrl, `CREATE DATABASE ${name}`);
    await query(url.toString(), 'CREATE TABLE bench_search_meta (key text PRIMARY KEY, value jsonb NOT NULL)');
    await setMeta(url.toString(), 'fingerprint', expected);
    await setMeta(url.toString(), 'bootstrap_token', randomBytes(16).toString('hex'));
  } else console.log(`bench: kept search database ${name}: reusing it (seed and projection as in this build; migrations it lacks run at the service's start)`);
  const meta = await query(url.toString(), 'SELECT key, value FROM bench_search_meta');
  const record = Object.fromEntries(meta.map((row) => [row.key, row.value]));
  return {
    url: url.toString(),
    name,
    recreated: Boolean(stale),
    bootstrapToken: record.bootstrap_token,
    workspace: (size) => record[`workspace:${size}`] ?? null,
    remember: (size, seeded) => setMeta(url.toString(), `workspace:${size}`, seeded),
  };
}

/** What the seeded data depends on: the seed's version and code, the build's projection and its migrations. */
async function fingerprint() {
  const { MIGRATIONS } = await fromDist('runtime/src/migrations.js');
  const hash = createHash('sha256');
  for (const file of SEED_SOURCES) hash.update(readFileSync(new URL(file, import.meta.url)));
  return { seedVersion: SEED_VERSION, sources: hash.digest('hex').slice(0, 16), migrations: MIGRATIONS.map((m) => new m().name ?? m.name) };
}

/** Why the kept database cannot be reused, or null when it can. */
async function staleness(url, expected) {
  const tables = await query(url, `SELECT to_regclass('bench_search_meta') AS meta, to_regclass('schema_migrations') AS migrations`);
  if (!tables[0].meta || !tables[0].migrations) return 'it has no record of its seed';
  const [recorded] = await query(url, `SELECT value FROM bench_search_meta WHERE key = 'fingerprint'`);
  const applied = (await query(url, 'SELECT name FROM schema_migrations ORDER BY id')).map((row) => row.name);
  // Migrations the build adds after those that seeded it run when its service starts, as they would in production:
  // the same schema as a fresh seed's, over the same rows.
  const forward = applied.length < expected.migrations.length && applied.every((name, i) => name === expected.migrations[i]);
  if (!forward && JSON.stringify(applied) !== JSON.stringify(expected.migrations)) {
    const missing = expected.migrations.filter((m) => !applied.includes(m));
    return `its migrations differ from the build's (${missing.length ? `missing ${missing.join(', ')}` : `it has ${applied.length}, the build ${expected.migrations.length}`})`;
  }
  if (recorded?.value.seedVersion !== expected.seedVersion || recorded?.value.sources !== expected.sources) return 'the seed or the projection code changed since it was seeded';
  // A run that died while seeding leaves a workspace with no record: its rows would skew the plans.
  const unrecorded = await query(
    url,
    `SELECT name FROM workspaces WHERE name LIKE 'bench-search-%' AND id NOT IN (SELECT value->>'workspaceId' FROM bench_search_meta WHERE key LIKE 'workspace:%')`,
  );
  if (unrecorded.length) return `it holds an unfinished seed (${unrecorded.map((row) => row.name).join(', ')})`;
  return null;
}

const setMeta = (url, key, value) =>
  query(url, 'INSERT INTO bench_search_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [key, JSON.stringify(value)]);

async function query(url, text, values = []) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}
