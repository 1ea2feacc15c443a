// npm run bench:compare: this checkout's build against another checkout's build (BENCH_AGAINST, a path to a checkout
// on which `npm run build` ran), both running at once on fresh databases, GET and PUT /contacts/{id} alternately in
// BENCH_ROUNDS rounds of BENCH_DURATION seconds at BENCH_CONNECTIONS connections (16), so that both sides see the same
// machine at the same moments.
// For a change that must not slow the service (a refactor): the ratio of the medians says whether it did.
import { randomBytes, randomInt } from 'node:crypto';
import path from 'node:path';
import { cleanup } from './cleanup.mjs';
import { freshDatabase } from './database.mjs';
import { startService } from './processes.mjs';
import { randomRequest, runScenario, scenario } from './scenarios.mjs';
import { apiClient, seed } from './seed.mjs';

const against = process.env.BENCH_AGAINST;
if (!against) throw new Error('set BENCH_AGAINST to the path of another checkout, built with npm run build');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const duration = Number(process.env.BENCH_DURATION ?? 6);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PLANS = ['free', 'starter', 'pro', 'enterprise'];

const sides = {};
for (const [name, main] of [['this', undefined], ['against', path.resolve(against, 'dist/apps/contacts-api/src/main.js')]]) {
  const database = await freshDatabase();
  const token = randomBytes(16).toString('hex');
  const service = await startService({ databaseUrl: database.url, token, logPath: new URL(`./results/compare-${name}.log`, import.meta.url).pathname, main });
  const ids = await seed(apiClient(service.url, token), { count: 5000, concurrency: 16, attributes: ['plan'] });
  sides[name] = { service, ids, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
}

let counter = 0;
const requests = {
  GET: (ids) => randomRequest('GET', () => `/contacts/${ids[randomInt(ids.length)]}`),
  PUT: (ids) => randomRequest('PUT', () => `/contacts/${ids[randomInt(ids.length)]}`, () => ({ name: `Compare ${++counter}`, custom_attributes: { plan: PLANS[randomInt(4)] } })),
};
const figures = { this: { GET: [], PUT: [] }, against: { GET: [], PUT: [] } };
for (let round = 0; round < rounds; round++) {
  for (const kind of ['GET', 'PUT']) {
    for (const name of round % 2 ? ['against', 'this'] : ['this', 'against']) {
      const { service, ids, headers } = sides[name];
      const s = scenario(`${name} ${kind}`, { requests: [requests[kind](ids)] }, { target: service });
      const result = await runScenario(s, { duration, warmup: 1, connections, headers });
      if (result.problems.length) throw new Error(`${s.name}: ${result.problems.join('; ')}`);
      figures[name][kind].push(Math.round(result.requestsPerSecond));
    }
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log('| | this checkout, requests/s | other checkout, requests/s | this / other (medians) |\n|---|---|---|---:|');
for (const kind of ['GET', 'PUT']) {
  const [mine, theirs] = [figures.this[kind], figures.against[kind]];
  console.log(`| ${kind} /contacts/{id} | ${mine.join(', ')} | ${theirs.join(', ')} | ${(median(mine) / median(theirs)).toFixed(2)} |`);
}
await cleanup();
process.exit(0);
