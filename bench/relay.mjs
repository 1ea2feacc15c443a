// The NATS relay under load: the worker process relays the log to a JetStream stream of this run's own while PUTs
// run against the service; a core subscription in this process timestamps every message as it arrives.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { adopt, onCleanup, stopChild } from './cleanup.mjs';

const WORKER_MAIN = new URL('../dist/apps/contacts-worker/src/main.js', import.meta.url);

/**
 * Returns { skipped } without NATS_URL. Otherwise: the backlog the worker finds at start (everything the seed and
 * earlier scenarios appended) relayed at full speed, then the lag from commit (recorded_at) to arrival on NATS while
 * `load()` runs, and how long the relay needs after the load to deliver the last event.
 */
export async function benchRelay({ databaseUrl, countEvents, load, natsUrl = process.env.NATS_URL }) {
  if (!natsUrl) {
    console.log('bench: NATS relay skipped (NATS_URL is unset)');
    return { skipped: 'NATS_URL is unset' };
  }
  const suffix = randomBytes(4).toString('hex');
  const stream = `BENCH_${suffix.toUpperCase()}`;
  const prefix = `bench_${suffix}`;
  const nc = await connect({ servers: natsUrl });
  onCleanup(async () => {
    const jsm = await jetstreamManager(nc).catch(() => undefined);
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc.close();
  });
  const arrivals = new Map();
  const sub = nc.subscribe(`${prefix}.>`, {
    callback: (error, msg) => {
      if (error) return;
      const now = Date.now();
      const envelope = msg.json();
      // The relay may publish a batch twice (at-least-once); the first arrival counts.
      if (!arrivals.has(envelope.id)) arrivals.set(envelope.id, { at: now, lagMs: now - Date.parse(envelope.recorded_at) });
    },
  });
  await nc.flush();

  const backlog = await countEvents();
  const worker = await startWorker({ databaseUrl, natsUrl, stream, prefix });
  const started = performance.now();
  await waitFor(() => arrivals.size >= backlog, 600_000, `${backlog} backlog events on NATS`, worker);
  const backlogSeconds = (performance.now() - started) / 1000;
  console.log(`bench: relay delivered a backlog of ${backlog} events in ${backlogSeconds.toFixed(1)} s`);

  const loadStarted = Date.now();
  const scenario = await load();
  const loadEnded = Date.now();
  const total = await countEvents();
  await waitFor(() => arrivals.size >= total, 120_000, `all ${total} events on NATS`, worker);
  const drainSeconds = (Date.now() - loadEnded) / 1000;
  sub.unsubscribe();
  worker.stopping = true;
  await stopChild(worker.child);

  const during = [...arrivals.values()].filter((a) => a.at >= loadStarted);
  const lags = during.map((a) => a.lagMs).sort((a, b) => a - b);
  const lastArrival = Math.max(loadEnded, ...during.map((a) => a.at));
  return {
    stream,
    backlog: { events: backlog, seconds: round(backlogSeconds), eventsPerSecond: Math.round(backlog / backlogSeconds) },
    underLoad: {
      scenario: scenario.name,
      events: during.length,
      eventsPerSecond: Math.round(during.length / ((lastArrival - loadStarted) / 1000)),
      lagMs: { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags[lags.length - 1] ?? null },
      drainAfterLoadSeconds: round(drainSeconds),
    },
  };
}

async function startWorker({ databaseUrl, natsUrl, stream, prefix }) {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN.pathname} is missing: run npm run build first`);
  const env = { ...process.env, DATABASE_URL: databaseUrl, NATS_URL: natsUrl, NATS_STREAM: stream, NATS_SUBJECT_PREFIX: prefix, LOG_LEVEL: 'warn', WORKER_PORT: '0' };
  const child = adopt(spawn(process.execPath, [WORKER_MAIN.pathname], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  const tail = [];
  child.stderr.on('data', (chunk) => tail.push(chunk.toString()) > 20 && tail.shift());
  const handle = { child, stopping: false };
  handle.crashed = new Promise((_, reject) => {
    child.once('exit', (code) => !handle.stopping && reject(new Error(`the worker exited (code ${code}): ${tail.join('')}`)));
  });
  handle.crashed.catch(() => undefined);
  onCleanup(() => {
    handle.stopping = true;
    return stopChild(child);
  });
  return handle;
}

async function waitFor(done, timeoutMs, what, worker) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await Promise.race([worker.crashed, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : null);
const round = (value) => Math.round(value * 100) / 100;
