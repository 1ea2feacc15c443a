import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { register } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LogProcessor, LogSubscription, PostgresEventStore, type StoredEvent, loadCheckpoint, saveCheckpoint } from './index.js';

// One active instance per processor name, and what happens to a batch when an instance dies.
let pool: pg.Pool;
let store: PostgresEventStore;
const subscriptions: LogSubscription[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 8 });
  store = new PostgresEventStore(pool);
  // No unique key on purpose: a batch committed twice would show as two rows.
  await pool.query(`CREATE TABLE IF NOT EXISTS es_test_effects (processor text, instance text, event_id uuid)`);
});
afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
});
afterAll(() => pool.end());

async function insert(workspaceId: string, count = 1): Promise<string[]> {
  const { rows } = await pool.query(
    `INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
     SELECT $1, $2, g, gen_random_uuid(), 'TestEvent', '{}', '{}' FROM generate_series(1, $3::int) g RETURNING event_id`,
    [workspaceId, randomUUID(), count],
  );
  return rows.map((row) => row.event_id);
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

/** Skips what other test files appended before: every transaction begun later sorts after this. */
async function startAtEnd(processor: string): Promise<void> {
  const { rows } = await pool.query(`SELECT transaction_id::text AS transaction_id, global_position FROM es_events
    WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY es_events.transaction_id DESC, global_position DESC LIMIT 1`);
  if (rows[0]) await saveCheckpoint(pool, processor, { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position });
}

/**
 * An instance of processor `name` that writes one effect row per event of `ws` in the checkpoint's
 * transaction, then runs `afterEffects` (before the runner saves the checkpoint).
 */
function instance(name: string, ws: string, tag: string, afterEffects?: (events: StoredEvent[], tx: pg.PoolClient) => Promise<void>) {
  const seen: string[] = [];
  const processor: LogProcessor = {
    name,
    batchSize: 10,
    async handle(events, tx) {
      const mine = events.filter((e) => e.workspaceId === ws).map((e) => e.eventId);
      seen.push(...mine);
      await tx.query(`INSERT INTO es_test_effects SELECT $1, $2, unnest($3::uuid[])`, [name, tag, mine]);
      await afterEffects?.(events, tx);
    },
  };
  const subscription = new LogSubscription(pool, store, processor, { pollMs: 5, leaseHeartbeatMs: 50, retryMs: 10 });
  subscriptions.push(subscription);
  return { subscription, seen };
}

async function effects(name: string): Promise<{ instance: string; event_id: string }[]> {
  return (await pool.query(`SELECT instance, event_id FROM es_test_effects WHERE processor = $1`, [name])).rows;
}

async function failures(name: string): Promise<number> {
  const metric = await register.getSingleMetric('log_processor_failures_total')!.get();
  return metric.values.find((v) => v.labels.processor === name)?.value ?? 0;
}

/** Ends the session that holds the processor's advisory lock, as a crash or a network cut would. */
async function killLeaseSession(name: string): Promise<void> {
  const { rowCount } = await pool.query(
    `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`,
    [`es-lease:${name}`],
  );
  expect(rowCount).toBe(1);
}

describe('processor lease', () => {
  it('keeps a second instance idle while the first holds it, and hands over when the first stops', async () => {
    const [name, ws] = [`test-${randomUUID()}`, randomUUID()];
    await startAtEnd(name);
    const a = instance(name, ws, 'a');
    const b = instance(name, ws, 'b');
    await a.subscription.start();
    await a.subscription.drain();
    await b.subscription.start();
    const early = await insert(ws, 3);
    await until(() => a.seen.length === 3);
    await sleep(300);
    expect([a.subscription.active, b.subscription.active]).toEqual([true, false]);
    expect(b.seen).toEqual([]);

    await a.subscription.stop();
    const late = await insert(ws, 2);
    await until(() => b.seen.length === 2);
    expect(b.subscription.active).toBe(true);
    expect([a.seen, b.seen]).toEqual([early, late]);
    await until(async () => (await effects(name)).length >= 5); // b's last commit may still be on its way
    expect((await effects(name)).length).toBe(5);
  });

  it('hands over when the holder dies, and the dead holder cannot commit its batch', async () => {
    const [name, ws] = [`test-${randomUUID()}`, randomUUID()];
    await startAtEnd(name);
    let stall: Promise<void> | undefined;
    let release = () => undefined as void;
    const a = instance(name, ws, 'a', () => stall ?? Promise.resolve());
    const b = instance(name, ws, 'b');
    await a.subscription.start();
    await a.subscription.drain();
    await b.subscription.start();
    stall = new Promise<void>((resolve) => (release = resolve));
    const [stuck] = await insert(ws);
    await until(() => a.seen.length === 1);

    await killLeaseSession(name);
    await until(() => !a.subscription.active && b.subscription.active);
    await until(async () => (await effects(name)).length === 1); // b has committed the batch a still holds
    release();
    await until(async () => (await failures(name)) === 1);
    const [late] = await insert(ws);
    await until(async () => (await effects(name)).length === 2);
    await sleep(200);
    expect((await effects(name)).map((e) => [e.instance, e.event_id])).toEqual([['b', stuck], ['b', late]]);
    expect(a.seen).toEqual([stuck]);
  });
});

describe('crash between effects and checkpoint', () => {
  it('re-delivers the batch (at least once) and keeps in-transaction effects exactly once', async () => {
    const [name, ws] = [`test-${randomUUID()}`, randomUUID()];
    await startAtEnd(name);
    let crashes = 1;
    const p = instance(name, ws, 'p', async (events, tx) => {
      // The session dies after the effects, before the checkpoint: like a crash or a network cut.
      if (events.some((e) => e.workspaceId === ws) && crashes-- > 0) {
        await pool.query('SELECT pg_terminate_backend($1)', [(tx as unknown as { processID: number }).processID]);
      }
    });
    await p.subscription.start();
    const ids = await insert(ws, 3);
    await until(async () => (await effects(name)).length === 3);
    await p.subscription.drain();
    // The crashed batch may have held only some of the three (other test files append too).
    expect(new Set(p.seen)).toEqual(new Set(ids));
    expect(p.seen.length).toBeGreaterThan(3);
    expect((await effects(name)).map((e) => e.event_id).sort()).toEqual([...ids].sort());
    const checkpoint = await loadCheckpoint(pool, name);
    const last = (await pool.query(`SELECT transaction_id::text AS t, global_position AS g FROM es_events WHERE event_id = $1`, [ids[2]])).rows[0];
    expect(checkpoint.transactionId === last.t && checkpoint.globalPosition >= last.g).toBe(true);
  });
});
