import { type LogProcessor, LogSubscription, PostgresEventStore, type StoredEvent } from '@app/event-store';
import { LogProcessorsRunner, NatsRelay } from '@app/processors';
import type pg from 'pg';
import { register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@app/runtime';
import { api } from './support/api.js';
import { NatsProbe, type StreamMessage, TcpProxy, relayedWorkspace, uniqueTarget } from './support/nats.js';
import { type EventRow, workspaceEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NATS_URL = process.env.NATS_URL;
if (!NATS_URL) console.log('nats-relay.e2e-spec: SKIPPED, NATS_URL is unset (e.g. NATS_URL=nats://127.0.0.1:4222 runs it against a real NATS)');

describe('NATS configuration', () => {
  it('defaults to the CONTACTS stream on contacts.> and refuses names JetStream would not take', () => {
    expect(loadConfig({})).toMatchObject({ natsStream: 'CONTACTS', natsSubjectPrefix: 'contacts' });
    expect(loadConfig({ NATS_STREAM: 'EU_CONTACTS-2', NATS_SUBJECT_PREFIX: 'eu.contacts' })).toMatchObject({ natsStream: 'EU_CONTACTS-2', natsSubjectPrefix: 'eu.contacts' });
    expect(() => loadConfig({ NATS_STREAM: 'CON.TACTS' })).toThrow(ConfigError);
    expect(() => loadConfig({ NATS_SUBJECT_PREFIX: 'contacts.>' })).toThrow(/NATS_SUBJECT_PREFIX/);
  });
});

describe.skipIf(!NATS_URL)('NATS JetStream relay', () => {
  const target = uniqueTarget();
  const streams = [target.stream];
  const proxy = TcpProxy.toNats(NATS_URL ?? 'nats://127.0.0.1:4222');
  let t: TestApp;
  let probe: NatsProbe;
  let relay: LogSubscription;
  const relayName = `nats-relay:${target.stream}`;

  beforeAll(async () => {
    await proxy.listen();
    probe = await NatsProbe.connect(NATS_URL!);
    t = await startTestApp({ WORKERS: 'inline', NATS_URL: proxy.url, NATS_STREAM: target.stream, NATS_SUBJECT_PREFIX: target.prefix });
    relay = t.app.get(LogProcessorsRunner).get(relayName)!;
  });
  afterAll(async () => {
    await t?.close();
    await probe?.close(streams);
    await proxy.cut();
  });

  /** A new workspace: its id, and the `.ok` calls of the API as it. */
  const workspace = async () => {
    const ws = await t.newWorkspace();
    return { id: ws.workspace_id, ok: api(t).as(ws).ok };
  };
  const relayedThrough = (subscription: LogSubscription, processor: string, workspaceId: string, ms?: number) =>
    relayedWorkspace(t.pool, subscription, processor, workspaceId, ms);

  /** Every stored event of the workspace is in the stream exactly once, in each contact's order. */
  function expectRelayed(events: EventRow[], messages: StreamMessage[], stream = target) {
    expect(messages.map((m) => m.msgId).sort()).toEqual(events.map((e) => e.event_id).sort());
    const positions = new Map<string, number[]>();
    for (const m of messages) {
      expect(m.msgId).toBe(m.envelope.id);
      expect(m.subject).toBe(`${stream.prefix}.${m.envelope.workspace_id}.${m.envelope.contact_id}.${m.envelope.type}`);
      positions.set(m.envelope.contact_id, [...(positions.get(m.envelope.contact_id) ?? []), m.envelope.stream_position]);
    }
    for (const [contact, seen] of positions) {
      expect(seen, `arrival order of ${contact}`).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    }
    return positions;
  }

  it('relays every event of a burst of concurrent writes once, in each contact order, in the documented envelope', async () => {
    const ws = await workspace();
    const contacts = await Promise.all(Array.from({ length: 20 }, (_, i) => ws.ok.contacts.create({ email: `burst-${i}@example.com` })));
    await Promise.all(
      contacts.flatMap((contact) => Array.from({ length: 10 }, (_, n) => ws.ok.contacts.update(contact.id, { name: `Name ${n}` }))),
    );
    await relayedThrough(relay, relayName, ws.id);
    const events = await workspaceEvents(t, ws.id);
    expect(events).toHaveLength(20 * 11);
    const messages = await probe.read(target.stream, `${target.prefix}.${ws.id}.`);
    const positions = expectRelayed(events, messages);
    expect([...positions.values()].every((seen) => seen.length === 11)).toBe(true);
    const row = events[events.length - 1];
    const message = messages.find((m) => m.msgId === row.event_id)!;
    expect(Object.keys(message.envelope)).toEqual(
      ['id', 'type', 'workspace_id', 'contact_id', 'stream_position', 'global_position', 'occurred_at', 'recorded_at', 'actor', 'request_id', 'data'],
    );
    expect(message.envelope).toEqual({
      id: row.event_id,
      type: 'ContactUpdated',
      workspace_id: ws.id,
      contact_id: row.stream_id,
      stream_position: row.stream_position,
      global_position: row.global_position,
      occurred_at: row.data.occurred_at,
      recorded_at: row.recorded_at.toISOString(),
      actor: row.metadata.actor,
      request_id: row.metadata.request_id,
      data: row.data,
    });
    expect(message.envelope.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps taking writes while NATS is unreachable, retries, and delivers the backlog once NATS is back', async () => {
    const ws = await workspace();
    const before = await ws.ok.contacts.create({ email: 'before-outage@example.com' });
    await relayedThrough(relay, relayName, ws.id);
    const failures = () => failureCount(relayName);
    const failuresBefore = await failures();

    await proxy.cut();
    const started = Date.now();
    const created = await Promise.all(Array.from({ length: 10 }, (_, i) => ws.ok.contacts.create({ email: `outage-${i}@example.com` })));
    await Promise.all(created.flatMap((contact) => [1, 2, 3].map((n) => ws.ok.contacts.update(contact.id, { name: `During ${n}` }))));
    await ws.ok.contacts.update(before.id, { name: 'During the outage' });
    // Nothing in the request path waits for NATS.
    expect(Date.now() - started).toBeLessThan(5_000);
    // The relay really tried and failed while the link was down.
    await waitUntil(async () => (await failures()) > failuresBefore, 15_000, 'a failed relay batch');

    await proxy.listen();
    await relayedThrough(relay, relayName, ws.id);
    const events = await workspaceEvents(t, ws.id);
    expect(events).toHaveLength(2 + 10 * 4);
    expectRelayed(events, await probe.read(target.stream, `${target.prefix}.${ws.id}.`));
  }, 60_000);

  it('creates its stream again when it disappears', async () => {
    await probe.jsm.streams.delete(target.stream);
    const ws = await workspace();
    await ws.ok.contacts.create({ email: 'after-stream-loss@example.com' });
    await relayedThrough(relay, relayName, ws.id);
    const info = await probe.jsm.streams.info(target.stream);
    expect(info.config.subjects).toEqual([`${target.prefix}.>`]);
    expectRelayed(await workspaceEvents(t, ws.id), await probe.read(target.stream, `${target.prefix}.${ws.id}.`));
  }, 45_000);

  it('starts while NATS is unreachable and delivers everything once it can connect', async () => {
    const late = uniqueTarget();
    streams.push(late.stream);
    const hop = TcpProxy.toNats(NATS_URL!);
    await hop.listen();
    await hop.cut();
    const ws = await workspace();
    await ws.ok.contacts.create({ email: 'waiting-for-nats@example.com' });
    const inner = new NatsRelay({ url: hop.url, stream: late.stream, subjectPrefix: late.prefix });
    const subscription = new LogSubscription(t.pool, t.app.get(PostgresEventStore), inner, { pollMs: 50, retryMs: 50 });
    const failuresBefore = await failureCount(inner.name);
    await subscription.start();
    try {
      await waitUntil(async () => (await failureCount(inner.name)) > failuresBefore, 15_000, 'a batch failing for want of NATS');
      await hop.listen();
      await relayedThrough(subscription, inner.name, ws.id);
    } finally {
      await subscription.stop();
      await inner.onApplicationShutdown();
      await hop.cut();
    }
    expectRelayed(await workspaceEvents(t, ws.id), await probe.read(late.stream, `${late.prefix}.${ws.id}.`), late);
  }, 60_000);

  describe('a relay that dies between publishing and its checkpoint', () => {
    const crashTarget = uniqueTarget();
    streams.push(crashTarget.stream);

    it('publishes the batch again with the same Nats-Msg-Id, and JetStream keeps one copy of each event', async () => {
      const ws = await workspace();
      const contacts = await Promise.all(Array.from({ length: 15 }, (_, i) => ws.ok.contacts.create({ role: 'lead', name: `Crash ${i}` })));
      await Promise.all(contacts.map((contact) => ws.ok.contacts.update(contact.id, { name: `Crash ${contact.id}` })));

      const inner = new NatsRelay({ url: NATS_URL!, stream: crashTarget.stream, subjectPrefix: crashTarget.prefix });
      let attempts = 0;
      // First attempt: half the batch reaches JetStream, then the process "dies". Second: all of it
      // is acknowledged, then its database session is killed before the checkpoint commits.
      const crashing: LogProcessor = {
        name: inner.name,
        batchSize: 40,
        handle: async (events: StoredEvent[], tx: pg.PoolClient) => {
          attempts++;
          if (attempts === 1) {
            await inner.handle(events.slice(0, events.length / 2));
            throw new Error('killed after half a batch');
          }
          await inner.handle(events);
          if (attempts === 2) await terminate(t.pool, (tx as unknown as { processID: number }).processID);
        },
      };
      const subscription = new LogSubscription(t.pool, t.app.get(PostgresEventStore), crashing, { pollMs: 50, retryMs: 50 });
      const duplicatesBefore = await counter('nats_relay_duplicates_total', { stream: crashTarget.stream });
      await subscription.start();
      try {
        await relayedThrough(subscription, inner.name, ws.id);
      } finally {
        await subscription.stop();
        await inner.onApplicationShutdown();
      }
      expect(attempts).toBeGreaterThan(3);
      // Both re-deliveries re-published events JetStream had already stored: it answered them as duplicates.
      expect((await counter('nats_relay_duplicates_total', { stream: crashTarget.stream })) - duplicatesBefore).toBeGreaterThanOrEqual(20 + 40);

      const all = await probe.read(crashTarget.stream, `${crashTarget.prefix}.`);
      const ids = all.map((m) => m.msgId);
      expect(new Set(ids).size).toBe(ids.length);
      const logged = await t.pool.query('SELECT count(*)::int AS n FROM es_events WHERE global_position <= $1', [Math.max(...all.map((m) => m.envelope.global_position))]);
      expect(ids.length).toBeGreaterThanOrEqual(40);
      expect(ids.length).toBeLessThanOrEqual(logged.rows[0].n);
      expectRelayed(await workspaceEvents(t, ws.id), all.filter((m) => m.envelope.workspace_id === ws.id), crashTarget);
    });
  });
});

async function failureCount(processor: string): Promise<number> {
  return counter('log_processor_failures_total', { processor });
}

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  const match = values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return match?.value ?? 0;
}

/** Kills a backend and waits until it is gone, so that nothing more commits on it. */
async function terminate(pool: pg.Pool, pid: number): Promise<void> {
  await pool.query('SELECT pg_terminate_backend($1)', [pid]);
  await waitUntil(async () => (await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0, 5_000, `backend ${pid} to end`);
}

async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
