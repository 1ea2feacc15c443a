import autocannon from 'autocannon';
import { RssSampler, cpuMicros } from './processes.mjs';

/**
 * One measured phase. `options` are autocannon's (requests, method, ...); the runner adds url, duration, connections
 * and headers. `target` is the process under test ({ url, pid, crashed }). `compareWith` names the scenario whose
 * requests/s this one is divided by, `minRatio` the target for that ratio; `nodeCompareWith` and `minNodeRatio` the
 * same against the bare node:http baseline.
 * Later scenarios (list/search on 100k contacts, the NATS relay) are further calls of this function.
 */
export function scenario(name, options, { target, compareWith, minRatio, nodeCompareWith, minNodeRatio, countEvents } = {}) {
  if (!target) throw new Error(`scenario ${name}: no target`);
  return { name, options, target, compareWith, minRatio, nodeCompareWith, minNodeRatio, countEvents };
}

/** A request whose path (and body) is drawn anew for every request sent. */
export function randomRequest(method, pathFor, bodyFor) {
  return {
    method,
    setupRequest: (request) => ({ ...request, path: pathFor(), ...(bodyFor ? { body: JSON.stringify(bodyFor()) } : {}) }),
  };
}

/**
 * POST /events ("track") of a random contact: one of a few names, a created_at of its own for every request (so
 * that none is a duplicate, which Intercom and the service answer 202 without recording) and two metadata keys.
 */
export function trackRequest(ids) {
  let counter = 0;
  const names = ['viewed-page', 'placed-order', 'invited-friend', 'updated-plan'];
  return randomRequest('POST', () => '/events', () => {
    const n = ++counter;
    return {
      event_name: names[n % names.length],
      created_at: 1_700_000_000 + n,
      id: ids[Math.floor(Math.random() * ids.length)],
      metadata: { source: 'bench', price: { amount: n % 10_000, currency: 'eur' } },
    };
  });
}

export async function runScenario(s, { duration, warmup, connections, headers }) {
  const base = { url: s.target.url, connections, headers, ...s.options };
  const eventsBefore = await s.countEvents?.();
  const sampler = new RssSampler(s.target.pid);
  sampler.start();
  let rss;
  try {
    const warm = warmup > 0 ? await load({ ...base, duration: warmup }, s.target) : undefined;
    const cpuBefore = cpuMicros(s.target.pid);
    const result = await load({ ...base, duration }, s.target);
    const cpu = cpuBefore === null ? null : cpuMicros(s.target.pid) - cpuBefore;
    rss = sampler.stop();
    const summary = summarise(s, result, warm, rss);
    // The CPU the process under test spent per request: what it costs, apart from how the machine shares its cores.
    summary.cpuMicrosPerRequest = cpu === null || !result.requests.total ? null : Math.round(cpu / result.requests.total);
    if (s.countEvents) checkEvents(summary, (await s.countEvents()) - eventsBefore, [result, warm]);
    return summary;
  } finally {
    if (!rss) sampler.stop();
  }
}

/** Every 2xx write must have appended an event; a request cut off at the end of a run may add one more. */
function checkEvents(summary, appended, results) {
  const ok = results.filter(Boolean).reduce((sum, r) => sum + r['2xx'], 0);
  summary.eventsAppended = appended;
  summary.successfulRequests = ok;
  if (appended < ok) summary.problems.push(`${ok} successful requests appended only ${appended} events`);
}

function load(options, target) {
  let instance;
  const run = new Promise((resolve, reject) => {
    instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
  // A target that dies mid-phase ends the phase at once instead of a run of connection errors.
  return Promise.race([run, target.crashed]).finally(() => instance?.stop());
}

function summarise(s, r, warm, rss) {
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]));
  const problems = [];
  if (r.non2xx) problems.push(`${r.non2xx} non-2xx responses (${JSON.stringify(statusCodes)})`);
  if (r.errors) problems.push(`${r.errors} connection errors (${r.timeouts} timeouts)`);
  if (warm?.non2xx || warm?.errors) problems.push(`warm-up: ${warm.non2xx} non-2xx, ${warm.errors} errors`);
  if (!r.requests.total) problems.push('no request completed');
  return {
    name: s.name,
    compareWith: s.compareWith ?? null,
    minRatio: s.minRatio ?? null,
    nodeCompareWith: s.nodeCompareWith ?? null,
    minNodeRatio: s.minNodeRatio ?? null,
    requestsPerSecond: r.requests.average,
    requestsTotal: r.requests.total,
    durationSeconds: r.duration,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
    bytesPerResponse: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : null,
    peakRssMiB: round(rss.peakMiB),
    lifetimeHwmMiB: rss.hwmMiB === null ? null : round(rss.hwmMiB),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    warmup: warm ? { requestsTotal: warm.requests.total, non2xx: warm.non2xx, errors: warm.errors } : null,
    problems,
  };
}

const round = (value) => Math.round(value * 10) / 10;
