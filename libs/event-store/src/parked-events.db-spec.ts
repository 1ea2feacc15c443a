import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { register } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LogProcessor, LogSubscription, PoisonEventError, PostgresEventStore, type StoredEvent, listParked, retryParked, saveCheckpoint } from './index.js';

// A test processor on the real log: its effect is a row per event written through the batch's
// transaction (a primary key, so a second commit of one event would fail the test), and it fails
// for the events a test marks, as poison or as an outage.
let pool: pg.Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 6 });
  store = new PostgresEventStore(pool);
  await pool.query(`CREATE TABLE IF NOT EXISTS parked_spec_effects (
    n bigint GENERATED ALWAYS AS IDENTITY, processor text, event_id uuid, PRIMARY KEY (processor, event_id))`);
});
const subscriptions: LogSubscription[] = [];
afterEach(() => Promise.all(subscriptions.splice(0).map((s) => s.stop())));
afterAll(() => pool.end());

/** One transaction: `labels` name the events of one new stream in order. */
async function append(workspaceId: string, streamId: string, labels: string[], from = 1): Promise<Record<string, string>> {
  const { rows } = await pool.query(
    `INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
     SELECT $1, $2, $4 + o - 1, gen_random_uuid(), 'TestEvent', jsonb_build_object('label', l), '{}'
       FROM unnest($3::text[]) WITH ORDINALITY AS u(l, o) RETURNING event_id, data->>'label' AS label`,
    [workspaceId, streamId, labels, from],
  );
  return Object.fromEntries(rows.map((row) => [row.label, row.event_id]));
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

async function metric(name: string, processor: string): Promise<number> {
  const values = (await register.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => v.labels.processor === processor)?.value ?? 0;
}

/** A running test processor, from the end of the log; it fails for the labels in `poison` and `outage`. */
async function running(workspaceId: string, fail: { poison?: string[]; outage?: string[] }) {
  const failing = { poison: new Set(fail.poison), outage: new Set(fail.outage) };
  const processor: LogProcessor = {
    name: `parked-spec-${randomUUID()}`,
    batchSize: 50,
    handle: async (events: StoredEvent[], tx: pg.PoolClient) => {
      for (const event of events.filter((e) => e.workspaceId === workspaceId)) {
        const label = String(event.data.label);
        if (failing.outage.has(label)) throw new Error(`database down at ${label}`);
        await tx.query('INSERT INTO parked_spec_effects (processor, event_id) VALUES ($1, $2)', [processor.name, event.eventId]);
        if (failing.poison.has(label)) throw new PoisonEventError(`cannot map ${label}`);
      }
    },
  };
  const effects = async () =>
    (await pool.query('SELECT event_id FROM parked_spec_effects WHERE processor = $1 ORDER BY n', [processor.name])).rows.map((r) => r.event_id);
  await startAtEnd(processor.name);
  const subscription = new LogSubscription(pool, store, processor, { pollMs: 10, retryMs: 10 });
  subscriptions.push(subscription);
  await subscription.start();
  return { processor, failing, effects };
}

async function startAtEnd(processor: string): Promise<void> {
  const { rows } = await pool.query(`SELECT transaction_id::text AS transaction_id, global_position FROM es_events
    WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY es_events.transaction_id DESC, global_position DESC LIMIT 1`);
  if (rows[0]) await saveCheckpoint(pool, processor, { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position });
}

describe('a processor that cannot handle one event', () => {
  it('parks it, lets other contacts pass, holds later events of the same contact behind it, and a retry delivers them in order', async () => {
    const ws = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const { processor, failing, effects } = await running(ws, { poison: ['a1'] });
    // One transaction, so one batch: the poison one, two behind it, and another contact's.
    const first = await pool.connect();
    await first.query('BEGIN');
    const ids: Record<string, string> = {};
    const { rows } = await first.query(
      `INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
       VALUES ($1, $2, 1, gen_random_uuid(), 'TestEvent', '{"label":"a1"}', '{}'), ($1, $3, 1, gen_random_uuid(), 'TestEvent', '{"label":"b1"}', '{}'),
              ($1, $2, 2, gen_random_uuid(), 'TestEvent', '{"label":"a2"}', '{}'), ($1, $3, 2, gen_random_uuid(), 'TestEvent', '{"label":"b2"}', '{}'),
              ($1, $2, 3, gen_random_uuid(), 'TestEvent', '{"label":"a3"}', '{}')
       RETURNING event_id, data->>'label' AS label`,
      [ws, a, b],
    );
    await first.query('COMMIT');
    first.release();
    for (const row of rows) ids[row.label] = row.event_id;

    await until(async () => (await effects()).length === 2 && (await listParked(pool, processor.name)).length === 3);
    expect(await effects()).toEqual([ids.b1, ids.b2]);
    const parked = await listParked(pool, processor.name);
    expect(parked.map((p) => [p.event_id, p.held_behind, p.attempts])).toEqual([
      [ids.a1, null, 1],
      [ids.a2, ids.a1, 1],
      [ids.a3, ids.a1, 1],
    ]);
    expect(parked[0]).toMatchObject({ workspace_id: ws, stream_id: a, stream_position: 1, event_type: 'TestEvent', error: 'PoisonEventError: cannot map a1' });
    expect(parked[1].error).toBe(`held behind parked event ${ids.a1}`);
    expect(await metric('log_processor_parked_events_total', processor.name)).toBe(3);

    // Later events: the held contact's next one is held too, a new contact's passes.
    const later = { ...(await append(ws, a, ['a4'], 4)), ...(await append(ws, c, ['c1'])) };
    await until(async () => (await effects()).length === 3 && (await listParked(pool, processor.name)).length === 4);
    expect(await effects()).toEqual([ids.b1, ids.b2, later.c1]);

    // A retry while the cause remains: nothing delivered, the first stays parked with its attempt counted.
    const failed = await retryParked(pool, store, [processor], { ids: [parked[2].id] });
    expect(failed.delivered).toEqual([]);
    expect(failed.still_parked).toMatchObject([{ event_id: ids.a1, attempts: 2, error: 'PoisonEventError: cannot map a1' }]);
    expect((await listParked(pool, processor.name)).map((p) => p.attempts)).toEqual([2, 1, 1, 1]);

    // The cause gone: retrying any event of the contact delivers its parked events in order.
    failing.poison.clear();
    const retried = await retryParked(pool, store, [processor], { ids: [parked[2].id] });
    expect(retried.delivered.map((d) => d.event_id)).toEqual([ids.a1, ids.a2, ids.a3, later.a4]);
    expect(await listParked(pool, processor.name)).toEqual([]);
    expect(await effects()).toEqual([ids.b1, ids.b2, later.c1, ids.a1, ids.a2, ids.a3, later.a4]);

    // Nothing parked any more: the contact's next event flows as usual.
    const after = await append(ws, a, ['a5'], 5);
    await until(async () => (await effects()).length === 8);
    expect((await effects()).at(-1)).toBe(after.a5);
  });

  it('does not park on an outage (any error that is not a PoisonEventError): the feed waits and resumes', async () => {
    const ws = randomUUID();
    const { processor, failing, effects } = await running(ws, { outage: ['x2'] });
    const ids = await append(ws, randomUUID(), ['x1', 'x2']);
    const other = await append(ws, randomUUID(), ['y1']);
    await until(async () => (await metric('log_processor_failures_total', processor.name)) >= 3);
    expect(await effects()).toEqual([]);
    expect(await listParked(pool, processor.name)).toEqual([]);
    failing.outage.clear();
    await until(async () => (await effects()).length === 3);
    expect(await effects()).toEqual([ids.x1, ids.x2, other.y1]);
    expect(await metric('log_processor_parked_events_total', processor.name)).toBe(0);
  });
});
