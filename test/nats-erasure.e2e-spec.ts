import { type LogProcessor, LogSubscription, PostgresEventStore, type StoredEvent } from '@app/event-store';
import { LogProcessorsRunner, NatsRelay } from '@app/processors';
import { register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './support/api.js';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';
import { NatsProbe, type StreamMessage, relayedWorkspace, uniqueTarget } from './support/nats.js';
import { type EventRow, storedEvents, workspaceEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NATS_URL = process.env.NATS_URL;
if (!NATS_URL) console.log('nats-erasure.e2e-spec: SKIPPED, NATS_URL is unset (e.g. NATS_URL=nats://127.0.0.1:4222 runs it against a real NATS)');

describe.skipIf(!NATS_URL)('an erased contact on the NATS stream', () => {
  const target = uniqueTarget();
  const streams = [target.stream];
  const relayName = `nats-relay:${target.stream}`;
  let t: TestApp;
  let probe: NatsProbe;
  // A database of its own: the relay under test reads the whole log, and other files' relays must not purge for it.
  let database: OwnDatabase;

  beforeAll(async () => {
    database = await ownDatabase('contacts_nats_erasure');
    probe = await NatsProbe.connect(NATS_URL!);
    t = await startTestApp({ DATABASE_URL: database.url, WORKERS: 'inline', NATS_URL: NATS_URL!, NATS_STREAM: target.stream, NATS_SUBJECT_PREFIX: target.prefix });
  });
  afterAll(async () => {
    await t?.close();
    await probe?.close(streams);
    await database?.drop();
  });

  /** A workspace with contacts A and B, each created, updated and with a tracked data event, over HTTP. */
  async function twoContacts(label: string) {
    const ws = await t.newWorkspace();
    const me = api(t).as(ws);
    const [a, b] = await Promise.all(['a', 'b'].map((who) => me.ok.contacts.create({ email: `${label}-${who}@example.com`, external_id: `${label}-${who}` })));
    for (const [contact, who] of [[a, 'a'], [b, 'b']] as const) {
      await me.ok.contacts.update(contact.id, { name: `${label} ${who}` });
      await me.dataEvents.track({ event_name: 'placed-order', created_at: 1_700_000_000, user_id: `${label}-${who}` }).expect(202);
    }
    return { ws, workspaceId: ws.workspace_id, a: a.id as string, b: b.id as string };
  }

  /** POST /contacts/{id}/erase, and the ContactErased it appended (no personal data in it). */
  async function erase(workspace: Awaited<ReturnType<TestApp['newWorkspace']>>, contactId: string): Promise<EventRow> {
    const res = await api(t).as(workspace).post(`/contacts/${contactId}/erase`);
    expect(res.status, res.text).toBe(200);
    const erased = (await storedEvents(t, contactId)).at(-1)!;
    expect(erased.event_type).toBe('ContactErased');
    return erased;
  }

  const ofContact = (messages: StreamMessage[], contactId: string) => messages.filter((m) => m.envelope.contact_id === contactId);
  /** Every event of the contact, of its own stream and of its data-event stream, in log order. */
  const eventsOf = (events: EventRow[], contactId: string) => events.filter((e) => e.stream_id === contactId || e.stream_id === `${contactId}:events`);

  it("purges A's earlier messages, its data events included, once its ContactErased is stored, and keeps every message of B", async () => {
    const relay = t.app.get(LogProcessorsRunner).get(relayName)!;
    const { ws, workspaceId, a, b } = await twoContacts('erase');
    await relayedWorkspace(t.pool, relay, relayName, workspaceId);
    const before = await probe.read(target.stream, `${target.prefix}.${workspaceId}.`);
    // On NATS before the erasure: A's created, updated and data event, each under A's own filter.
    expect(ofContact(before, a).map((m) => m.envelope.type)).toEqual(['ContactCreated', 'ContactUpdated', 'DataEventTracked']);
    expect(ofContact(before, a).every((m) => m.subject.startsWith(`${target.prefix}.${workspaceId}.${a}.`))).toBe(true);
    const purgedBefore = await counter('nats_relay_purged_messages_total', { stream: target.stream });

    const erased = await erase(ws, a);
    await relayedWorkspace(t.pool, relay, relayName, workspaceId);

    const after = await probe.read(target.stream, `${target.prefix}.${workspaceId}.`);
    expect(ofContact(after, a).map((m) => [m.msgId, m.subject])).toEqual([[erased.event_id, `${target.prefix}.${workspaceId}.${a}.ContactErased`]]);
    const events = await workspaceEvents(t, workspaceId);
    expect(ofContact(after, b).map((m) => m.msgId)).toEqual(eventsOf(events, b).map((e) => e.event_id));
    expect(after).toHaveLength(1 + 3);
    expect((await counter('nats_relay_purged_messages_total', { stream: target.stream })) - purgedBefore).toBe(3);
  });

  it('purges as well when the relay dies between the ContactErased ack and the purge: the retry is a duplicate, and purges', async () => {
    const own = uniqueTarget();
    streams.push(own.stream);
    const { ws, workspaceId, a, b } = await twoContacts('crash');
    const erased = await erase(ws, a);

    const inner = new NatsRelay({ url: NATS_URL!, stream: own.stream, subjectPrefix: own.prefix });
    // Fault injection: the first purge of A's messages fails as if the process had died right after the ack.
    const link = (inner as unknown as { link: { purgeBelow: (filter: string, seq: number, ms: number) => Promise<number> } }).link;
    const purge = link.purgeBelow.bind(link);
    const purges: string[] = [];
    link.purgeBelow = async (filter, seq, ms) => {
      if (filter.includes(a)) purges.push(filter);
      if (filter.includes(a) && purges.length === 1) throw new Error('killed between publish and purge');
      return purge(filter, seq, ms);
    };
    let attempts = 0;
    const counting: LogProcessor = {
      name: inner.name,
      batchSize: inner.batchSize,
      handle: (events: StoredEvent[]) => {
        attempts++;
        return inner.handle(events);
      },
    };
    const subscription = new LogSubscription(t.pool, t.app.get(PostgresEventStore), counting, { pollMs: 50, retryMs: 50 });
    const duplicatesBefore = await counter('nats_relay_duplicates_total', { stream: own.stream });
    await subscription.start();
    try {
      await relayedWorkspace(t.pool, subscription, inner.name, workspaceId, 60_000);
    } finally {
      await subscription.stop();
      await inner.onApplicationShutdown();
    }

    expect(purges).toEqual([`${own.prefix}.${workspaceId}.${a}.>`, `${own.prefix}.${workspaceId}.${a}.>`]);
    expect(attempts).toBeGreaterThan(1);
    // The retry published ContactErased again: JetStream kept the first copy, whose sequence the purge went by.
    expect((await counter('nats_relay_duplicates_total', { stream: own.stream })) - duplicatesBefore).toBeGreaterThanOrEqual(1);
    const messages = await probe.read(own.stream, `${own.prefix}.${workspaceId}.`);
    expect(ofContact(messages, a).map((m) => m.msgId)).toEqual([erased.event_id]);
    expect(ofContact(messages, b).map((m) => m.msgId)).toEqual(eventsOf(await workspaceEvents(t, workspaceId), b).map((e) => e.event_id));
  }, 90_000);
});

async function counter(name: string, labels: Record<string, string>): Promise<number> {
  const metric = register.getSingleMetric(name);
  const values = metric ? (await metric.get()).values : [];
  const match = values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return match?.value ?? 0;
}
