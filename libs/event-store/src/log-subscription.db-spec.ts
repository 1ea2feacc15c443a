import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { register } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOG_START, type LogPosition, LogSubscription, PostgresEventStore, type StoredEvent, readSafeBatch, saveCheckpoint } from './index.js';

// Race tests on raw connections: every other test file appends to the same log at the same time,
// so each test looks only at its own workspace, and waits rather than assuming when the horizon moves.
let pool: pg.Pool;
let store: PostgresEventStore;
const clients: pg.Client[] = [];
const subscriptions: LogSubscription[] = [];

beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 6 });
  store = new PostgresEventStore(pool);
});
afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
  await Promise.all(clients.splice(0).map((c) => c.end()));
});
afterAll(() => pool.end());

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  clients.push(client);
  return client;
}

/** Appends `count` events of one new stream through `db`; returns their event ids in stream order. */
async function insert(db: pg.ClientBase | pg.Pool, workspaceId: string, count = 1): Promise<string[]> {
  const { rows } = await db.query(
    `INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
     SELECT $1, $2, g, gen_random_uuid(), 'TestEvent', jsonb_build_object('n', g), '{}' FROM generate_series(1, $3::int) g
     RETURNING event_id`,
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

/** A running processor that records what it sees of one workspace. */
async function subscribe(workspaceId: string, batchSize: number, options = {}) {
  const seen: StoredEvent[] = [];
  const processor = {
    name: `test-${randomUUID()}`,
    batchSize,
    handle: async (events: StoredEvent[]) => void seen.push(...events.filter((e) => e.workspaceId === workspaceId)),
  };
  const subscription = new LogSubscription(pool, store, processor, { pollMs: 2, ...options });
  subscriptions.push(subscription);
  await startAtEnd(processor.name);
  await subscription.start();
  return { seen, ids: () => seen.map((e) => e.eventId), subscription, name: processor.name };
}

/** Committed ids must arrive exactly once, in (transaction_id, global_position) order. */
async function expectExactlyOnce(sub: Awaited<ReturnType<typeof subscribe>>, committed: string[]): Promise<void> {
  await until(() => sub.seen.length >= committed.length);
  await sub.subscription.drain();
  expect(sub.ids().sort()).toEqual([...committed].sort());
  const order = sub.seen.map((e) => [BigInt(e.transactionId), e.globalPosition] as const);
  const sorted = [...order].sort(([t1, g1], [t2, g2]) => (t1 === t2 ? g1 - g2 : t1 < t2 ? -1 : 1));
  expect(order).toEqual(sorted);
}

async function readAll(workspaceId: string, limit: number): Promise<string[][]> {
  const batches: string[][] = [];
  let after: LogPosition = LOG_START;
  for (;;) {
    const events = await readSafeBatch(pool, store, { after, limit, workspaceId });
    if (events.length === 0) return batches;
    batches.push(events.map((e) => e.eventId));
    after = { transactionId: events.at(-1)!.transactionId, globalPosition: events.at(-1)!.globalPosition };
  }
}

describe('readSafeBatch', () => {
  it('does not read past an open transaction that took an earlier position, then reads both in commit order', async () => {
    const ws = randomUUID();
    const [early, late] = [await connect(), await connect()];
    await early.query('BEGIN');
    const [first] = await insert(early, ws);
    await late.query('BEGIN');
    const [second] = await insert(late, ws);
    await late.query('COMMIT');
    expect((await readAll(ws, 10)).flat()).toEqual([]);
    await early.query('COMMIT');
    let read: string[] = [];
    await until(async () => (read = (await readAll(ws, 10)).flat()).length === 2);
    expect(read).toEqual([first, second]);
  });

  it('splits one transaction across batches without skipping or repeating', async () => {
    const ws = randomUUID();
    const ids = await insert(pool, ws, 7);
    let batches: string[][] = [];
    await until(async () => (batches = await readAll(ws, 3)).flat().length === 7);
    expect(batches).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
  });
});

describe('LogSubscription under concurrent writers', () => {
  it('waits for an earlier position that commits after a later one, and reports the stall as lag', async () => {
    const ws = randomUUID();
    const sub = await subscribe(ws, 2);
    const [early, late] = [await connect(), await connect()];
    await early.query('BEGIN');
    const [first] = await insert(early, ws);
    await late.query('BEGIN');
    const [second] = await insert(late, ws);
    await late.query('COMMIT');
    await sub.subscription.drain();
    expect(sub.ids()).toEqual([]);
    const lag = (await register.getSingleMetric('log_processor_lag_events')!.get()).values.find((v) => v.labels.processor === sub.name);
    expect(lag?.value).toBeGreaterThanOrEqual(1);
    await early.query('COMMIT');
    await expectExactlyOnce(sub, [first, second]);
    expect(sub.ids()).toEqual([first, second]);
  });

  it('still delivers a position taken before the one it already read, when a younger transaction took it', async () => {
    const ws = randomUUID();
    const sub = await subscribe(ws, 2);
    const [older, younger] = [await connect(), await connect()];
    await older.query('BEGIN');
    await older.query('SELECT pg_current_xact_id()'); // the older transaction id, before any position
    await younger.query('BEGIN');
    const [lowPosition] = await insert(younger, ws);
    const [highPosition] = await insert(older, ws);
    await older.query('COMMIT');
    await until(() => sub.seen.length === 1);
    await younger.query('COMMIT');
    await expectExactlyOnce(sub, [highPosition, lowPosition]);
    expect(sub.ids()).toEqual([highPosition, lowPosition]);
  });

  it('delivers every committed event of several slow and rolled-back transactions exactly once', async () => {
    const ws = randomUUID();
    const sub = await subscribe(ws, 2);
    const slow = await Promise.all([1, 2, 3, 4, 5, 6].map(() => connect()));
    const pending: string[][] = [];
    for (const [i, client] of slow.entries()) {
      await client.query('BEGIN');
      pending.push(await insert(client, ws, 1 + (i % 3)));
      await insert(pool, ws); // a fast writer commits in between
    }
    const committed: string[] = [];
    for (const i of [4, 1, 5, 0, 3, 2]) {
      const rollback = i === 1 || i === 3;
      await slow[i].query(rollback ? 'ROLLBACK' : 'COMMIT');
      if (!rollback) committed.push(...pending[i]);
      await sleep(15);
    }
    const fast = (await pool.query(`SELECT event_id FROM es_events WHERE workspace_id = $1`, [ws])).rows.map((r) => r.event_id);
    expect(fast.length).toBe(committed.length + 6);
    await expectExactlyOnce(sub, fast);
  });

  it('survives random interleavings of writers, rollbacks and batch boundaries', async () => {
    const ws = randomUUID();
    const sub = await subscribe(ws, 3);
    const writers = await Promise.all([1, 2, 3, 4].map(() => connect()));
    const committed: string[] = [];
    await Promise.all(
      writers.map(async (client) => {
        for (let n = 0; n < 25; n++) {
          await client.query('BEGIN');
          const ids = await insert(client, ws, 1 + Math.floor(Math.random() * 4));
          if (Math.random() < 0.5) ids.push(...(await insert(client, ws, 1)));
          await sleep(Math.random() * 8);
          const rollback = Math.random() < 0.15;
          await client.query(rollback ? 'ROLLBACK' : 'COMMIT');
          if (!rollback) committed.push(...ids);
        }
      }),
    );
    await expectExactlyOnce(sub, committed);
  });
});

describe('LogSubscription wake-up', () => {
  it('wakes on NOTIFY es_events long before its next poll', async () => {
    const ws = randomUUID();
    const sub = await subscribe(ws, 10, { pollMs: 60_000, listen: true });
    await sub.subscription.drain();
    const [id] = await insert(pool, ws);
    // Repeated, because the event may still wait behind another open transaction at the first wake-up.
    await until(async () => (await pool.query('NOTIFY es_events'), sub.seen.length === 1), 5_000);
    expect(sub.ids()).toEqual([id]);
  });
});
