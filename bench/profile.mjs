// node bench/profile.mjs: one route of the built service (GET /contacts/{id} by default) against a bare node:http server
// answering every request with one real answer of that route, in the same run, optionally under a CPU profile, for issue 12's A/B work
// (docs/performance.md). Not part of npm run bench.
// Env: DATABASE_URL (a server to create bench_<random> on; required), PROFILE_ROUTE (get: GET /contacts/{id}; put: PUT
// /contacts/{id} with a new name and a random plan; list: GET /contacts?per_page=PROFILE_PER_PAGE, 50 unless set; search: POST /contacts/search of
// one email, the shape of an SDK's find-by-email; default get), PROFILE_DURATION (s, 15), PROFILE_CONNECTIONS (50),
// PROFILE_CONTACTS (200), PROFILE_CPU (1: run the service under --cpu-prof and print its top frames), PROFILE_DIR
// (where the .cpuprofile goes, bench/results/profile), PROFILE_ROUNDS (alternations of baseline and service, 2),
// PROFILE_COMPARE (the main.js of another build, e.g. a copy of dist/ under bench/results/: run as "other" on the same
// database, alternating with this build within each round, for an A/B in the same minutes), PROFILE_OTHER_NODE_ARGS
// (node flags of "other" only: PROFILE_COMPARE set to this build's main.js and
// PROFILE_OTHER_NODE_ARGS=--max-semi-space-size=64 is an A/B of a node flag on one build).
import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { cleanup } from './cleanup.mjs';
import { freshDatabase } from './database.mjs';
import { cpuMicros, startBaseline, startService } from './processes.mjs';
import { apiClient } from './seed.mjs';

const int = (name, fallback) => Number(process.env[name] ?? fallback);
const duration = int('PROFILE_DURATION', 15);
const connections = int('PROFILE_CONNECTIONS', 50);
const contacts = int('PROFILE_CONTACTS', 200);
const rounds = int('PROFILE_ROUNDS', 2);
const perPage = int('PROFILE_PER_PAGE', 50);
const cpu = process.env.PROFILE_CPU === '1';
const dir = path.resolve(process.env.PROFILE_DIR ?? new URL('./results/profile', import.meta.url).pathname);
const compare = process.env.PROFILE_COMPARE ? path.resolve(process.env.PROFILE_COMPARE) : null;
const route = process.env.PROFILE_ROUTE ?? 'get';
if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL must name a PostgreSQL server');

try {
  const database = await freshDatabase();
  const token = randomBytes(16).toString('hex');
  if (cpu) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const nodeArgs = cpu ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const service = await startService({ databaseUrl: database.url, token, logPath: path.join(dir, '..', 'profile-service.log'), nodeArgs });
  const other = compare && (await startService({ databaseUrl: database.url, token, logPath: path.join(dir, '..', 'profile-other.log'), main: compare, nodeArgs: [...nodeArgs, ...(process.env.PROFILE_OTHER_NODE_ARGS ?? '').split(' ').filter(Boolean)] }));
  const api = apiClient(service.url, token);
  await api('POST', '/data_attributes', { name: 'plan', model: 'contact', data_type: 'string' });
  const ids = [];
  for (let i = 0; i < contacts; i++) ids.push((await api('POST', '/contacts', { email: `p${i}@example.com`, name: `Profile ${i}` })).json.id);
  const request = routeRequest(route, ids);
  // The bare server answers every request with the body of one real answer of this route.
  const sample = request.setupRequest({});
  const { text } = await api(sample.method, sample.path, sample.body && JSON.parse(sample.body));
  const baseline = await startBaseline(text, 'node:http');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const load = (url, seconds) =>
    new Promise((resolve, reject) => autocannon({ url, connections, duration: seconds, headers, requests: [request] }, (e, r) => (e ? reject(e) : resolve(r))));
  const targets = [['baseline', baseline], ['service', service], ...(other ? [['other', other]] : [])];
  for (const [, target] of targets) await load(target.url, 2);
  // Transactions the database committed per request of each build, from pg_stat_database: every query outside a
  // transaction is one, so it counts round trips (a batch of coalesced reads counts once). Stats flush within ~1 s.
  const stats = new pg.Client({ connectionString: database.url });
  await stats.connect();
  const transactions = async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const { rows } = await stats.query('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0].n);
  };
  // CPU time of the server processes serving this database (a server on this machine: /proc), in clock ticks, by pid: a backend
  // that exits within the window (an idle pool connection closed) takes its ticks along, so deltas are taken per pid.
  const databaseTicks = async () => {
    const { rows } = await stats.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    const ticks = new Map();
    for (const { pid } of rows) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (!stat.includes('(postgres)')) continue;
        const fields = stat.replace(/^.*\) /, '').split(' ');
        ticks.set(pid, Number(fields[11]) + Number(fields[12]));
      } catch {
        // Not a process of this machine, or it has just exited.
      }
    }
    return ticks.size ? ticks : null;
  };
  const ticksBetween = (before, after) => [...after].reduce((sum, [pid, ticks]) => sum + ticks - (before.get(pid) ?? 0), 0);
  const totals = { service: [], baseline: [], other: [] };
  for (let round = 0; round < rounds; round++) {
    // The two builds swap places every round, so that neither is always the one measured after the other.
    for (const [name, target] of round % 2 && other ? [targets[0], targets[2], targets[1]] : targets) {
      const before = name === 'baseline' ? 0 : await transactions();
      const ticksBefore = name === 'baseline' ? null : await databaseTicks();
      // The CPU the measured process itself spent per request, steadier than requests/s on shared cores, and autocannon's (this process).
      const ownBefore = cpuMicros(target.pid);
      const loadBefore = process.cpuUsage();
      const r = await load(target.url, duration);
      const { user, system } = process.cpuUsage(loadBefore);
      const perRequestOf = (micros) => Math.round(micros / r.requests.total);
      const own = ownBefore === null ? '' : `, own CPU ${perRequestOf(cpuMicros(target.pid) - ownBefore)} µs/request`;
      const generator = `, autocannon CPU ${perRequestOf(user + system)} µs/request`;
      if (r.non2xx || r.errors) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      totals[name].push(r.requests.average);
      // Every transaction of the database in the window counts, the service's background ones and our stats query too.
      const ticksAfter = name === 'baseline' ? null : await databaseTicks();
      // Clock ticks are 10 ms on Linux (USER_HZ 100).
      const cpu = !ticksBefore || !ticksAfter ? '' : `, database CPU ${Math.round((ticksBetween(ticksBefore, ticksAfter) * 10_000) / r.requests.total)} µs/request`;
      const perRequest = name === 'baseline' ? '' : `, ${(((await transactions()) - before) / r.requests.total).toFixed(2)} transactions/request${cpu}`;
      console.log(`${name}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms${own}${generator}${perRequest}`);
    }
  }
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  console.log(`service / node:http: ${(sum(totals.service) / sum(totals.baseline)).toFixed(3)}`);
  if (other) console.log(`other / node:http: ${(sum(totals.other) / sum(totals.baseline)).toFixed(3)}, service / other: ${(sum(totals.service) / sum(totals.other)).toFixed(3)}`);
  await stats.end();
  await service.stop();
  if (cpu) {
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${service.pid}.`));
    console.log(`profile (service): ${path.join(dir, file)}`);
    summarise(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
  }
  if (other) {
    await other.stop();
    const file = cpu && readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && !f.includes(`.${service.pid}.`));
    if (file) {
      console.log(`\nprofile (other): ${path.join(dir, file)}`);
      summarise(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    }
  }
} finally {
  await cleanup();
}

/** The autocannon request of PROFILE_ROUTE, its path (and body) drawn anew each time. */
function routeRequest(name, ids) {
  const pick = () => randomInt(ids.length);
  let counter = 0;
  const routes = {
    get: () => ({ method: 'GET', path: `/contacts/${ids[pick()]}` }),
    put: () => ({ method: 'PUT', path: `/contacts/${ids[pick()]}`, body: JSON.stringify({ name: `Profile ${++counter}`, custom_attributes: { plan: ['free', 'pro'][randomInt(2)] } }) }),
    list: () => ({ method: 'GET', path: `/contacts?per_page=${perPage}` }),
    search: () => ({ method: 'POST', path: '/contacts/search', body: JSON.stringify({ query: { field: 'email', operator: '=', value: `p${pick()}@example.com` } }) }),
  };
  if (!routes[name]) throw new Error(`PROFILE_ROUTE must be one of ${Object.keys(routes).join(', ')}`);
  return { setupRequest: (r) => ({ ...r, ...routes[name]() }) };
}

/** Self and inclusive time, by function and by package, as shares of the samples that are not idle. */
function summarise(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fn = (n) => {
    const { functionName, url, lineNumber } = n.callFrame;
    return `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`;
  };
  const pkg = (n) => {
    const { url, functionName } = n.callFrame;
    if (!url) return functionName.startsWith('(') ? functionName : '(native)';
    if (url.startsWith('node:')) return url.split('/')[0].replace(/^node:internal.*/, 'node:internal');
    const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (m) return m[1];
    return url.includes('/dist/') ? 'app' : short(url);
  };
  const self = { fn: new Map(), pkg: new Map() };
  const incl = { fn: new Map(), pkg: new Map() };
  const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
  let busy = 0;
  for (const id of profile.samples) {
    const leaf = nodes.get(id);
    if (leaf.callFrame.functionName === '(idle)') continue;
    busy++;
    add(self.fn, fn(leaf));
    add(self.pkg, pkg(leaf));
    const fns = new Set();
    const pkgs = new Set();
    for (let n = leaf; n; n = nodes.get(parent.get(n.id))) {
      fns.add(fn(n));
      pkgs.add(pkg(n));
    }
    for (const k of fns) add(incl.fn, k);
    for (const k of pkgs) add(incl.pkg, k);
  }
  const top = (title, map, count) => {
    console.log(`\n${title} (share of ${busy} non-idle samples)`);
    for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`);
  };
  top('self, by package', self.pkg, 25);
  top('inclusive, by package', incl.pkg, 25);
  top('self, by function', self.fn, 40);
  top('inclusive, by function', incl.fn, 60);
}

function short(url) {
  return url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/');
}
