import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LogSubscription, PostgresEventStore } from '@app/event-store';
import { LogProcessorsRunner } from '@app/processors';
import { WebhooksWorker } from '@app/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './support/api.js';
import { NatsProbe, uniqueTarget } from './support/nats.js';
import { OwnNatsServer, findNatsServer } from './support/nats-server.js';
import { UUID } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('a data event on NATS', () => {
  const target = uniqueTarget();
  let own: OwnNatsServer | undefined;
  let t: TestApp;
  let probe: NatsProbe;
  let relay: LogSubscription;

  beforeAll(async () => {
    // A real NATS: NATS_URL, else a nats-server of this machine's own; never a stand-in.
    let url = process.env.NATS_URL;
    if (!url) {
      const binary = findNatsServer();
      if (!binary) throw new Error('set NATS_URL or install nats-server: this test needs a real NATS');
      own = await OwnNatsServer.start(binary, {});
      url = own.url;
    }
    probe = await NatsProbe.connect(url);
    t = await startTestApp({ WORKERS: 'inline', NATS_URL: url, NATS_STREAM: target.stream, NATS_SUBJECT_PREFIX: target.prefix });
    relay = t.app.get(LogProcessorsRunner).get(`nats-relay:${target.stream}`)!;
  });
  afterAll(async () => {
    await t?.close();
    await probe?.close([target.stream]);
    await own?.stop();
  });

  it("is published as <prefix>.<workspace>.<contact>.DataEventTracked (its contact's filter), once, naming its contact, in its stream order", async () => {
    const ws = await t.newWorkspace();
    const me = api(t).as(ws);
    const user = await me.ok.contacts.create({ email: 'nats@example.com', external_id: 'nats-1' });
    await me.dataEvents.track({ event_name: 'placed-order', created_at: 1_700_000_000, user_id: 'nats-1', metadata: { price: { amount: 100, currency: 'usd' } } }).expect(202);
    await me.dataEvents.track({ event_name: 'placed-order', created_at: 1_700_000_001, user_id: 'nats-1' }).expect(202);
    const stored = await storedEvents(t, `${user.id}:events`);
    const subjectPrefix = `${target.prefix}.${ws.workspace_id}.`;
    let messages: Awaited<ReturnType<NatsProbe['read']>> = [];
    await until(async () => {
      await relay.drain();
      messages = await probe.read(target.stream, subjectPrefix);
      return messages.length >= 3;
    }, 'the contact and its two data events on NATS');
    const tracked = messages.filter((m) => m.envelope.type === 'DataEventTracked');
    expect(tracked.map((m) => m.msgId)).toEqual(stored.map((e) => e.event_id));
    expect(tracked[0].subject).toBe(`${subjectPrefix}${user.id}.DataEventTracked`);
    expect(tracked[0].envelope).toEqual({
      id: stored[0].event_id,
      type: 'DataEventTracked',
      workspace_id: ws.workspace_id,
      contact_id: user.id,
      stream_position: 1,
      global_position: stored[0].global_position,
      occurred_at: stored[0].data.occurred_at,
      recorded_at: stored[0].recorded_at.toISOString(),
      actor: stored[0].metadata.actor,
      request_id: expect.stringMatching(UUID),
      data: {
        contact_id: user.id,
        event_name: 'placed-order',
        created_at: 1_700_000_000,
        user_id: 'nats-1',
        email: 'nats@example.com',
        metadata: { price: { amount: 100, currency: 'usd' } },
        occurred_at: stored[0].data.occurred_at,
      },
    });
    expect(tracked.map((m) => m.envelope.stream_position)).toEqual([1, 2]);
    // The change feed names the contact the same way.
    const feed = await me.ok.changes({ limit: 10 });
    expect(feed.data.filter((e: { event_type: string }) => e.event_type === 'DataEventTracked').map((e: { contact_id: string; version: number }) => [e.contact_id, e.version])).toEqual([
      [user.id, 1],
      [user.id, 2],
    ]);
  });
});

describe('a data event on a webhook', () => {
  let t: TestApp;
  let worker: WebhooksWorker;
  const servers: Server[] = [];
  interface Hit {
    raw: string;
    body: Record<string, any>;
    headers: IncomingHttpHeaders;
  }

  async function receiver() {
    const hits: Hit[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        hits.push({ raw, body: JSON.parse(raw), headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, hits };
  }

  beforeAll(async () => {
    t = await startTestApp();
    worker = new WebhooksWorker(
      { pool: t.pool, store: t.app.get(PostgresEventStore), secrets: t.workspaces },
      { pollMs: 20, retryBaseMs: 150, maxAttempts: 3, timeoutMs: 2000, processorName: 'webhooks-data-events-e2e' },
      { pollMs: 20 },
    );
    await worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await t?.close();
  });

  it('sends event.created for the names a subscription listed, signed, with the data event as its item', async () => {
    const ws = await t.newWorkspace();
    const me = api(t).as(ws);
    const hook = await receiver();
    const sub = await me.ok.webhooks.create({ url: hook.url, topics: ['event.created', 'contact.user.created'], metadata: { event_names: ['Invited.Friend'] } });
    expect(sub).toMatchObject({ topics: ['event.created', 'contact.user.created'], metadata: { event_names: ['invited-friend'] } });
    expect(Object.keys(sub)).toEqual(['type', 'id', 'url', 'topics', 'metadata', 'active', 'created_at']);
    const user = await me.ok.contacts.create({ email: 'hook@example.com', external_id: 'hook-1' });
    // Recent: GET /events, which the item is compared with, lists the last 90 days.
    const at = Math.floor(Date.now() / 1000) - 60;
    await me.dataEvents.track({ event_name: 'viewed-page', created_at: at - 1, id: user.id }).expect(202);
    await me.dataEvents.track({ event_name: 'invited-friend', created_at: at, id: user.id, metadata: { invite_code: 'ADDAFRIEND' } }).expect(202);
    await me.dataEvents.summaries({ user_id: 'hook-1', event_summaries: { event_name: 'invited-friend', count: 3 } }).expect(200);
    await until(() => hook.hits.length >= 2, 'two notifications');
    await worker.drain();
    await sleep(100);
    expect(hook.hits.map((hit) => hit.body.topic)).toEqual(['contact.user.created', 'event.created']);
    const [, hit] = hook.hits;
    const listed = await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id, per_page: 1 });
    expect(hit.body).toMatchObject({ type: 'notification_event', app_id: ws.workspace_id, topic: 'event.created', delivery_attempts: 1 });
    expect(hit.body.data).toEqual({ type: 'notification_event_data', item: listed.events[0] });
    expect(hit.body.data.item).toMatchObject({ type: 'event', event_name: 'invited-friend', created_at: at, user_id: 'hook-1', intercom_user_id: user.id, metadata: { invite_code: 'ADDAFRIEND' } });
    expect(hit.headers['x-hub-signature']).toBe(`sha1=${createHmac('sha1', ws.client_secret).update(hit.raw).digest('hex')}`);
  });

  it('refuses event.created without event_names, as Intercom does, and stores nothing', async () => {
    const ws = await t.newWorkspace();
    const me = api(t).as(ws);
    for (const metadata of [undefined, {}, { event_names: [] }, { event_names: [''] }, { event_names: 'invited-friend' }]) {
      const res = await me.webhooks.create({ url: 'https://example.com/hooks', topics: ['event.created'], ...(metadata ? { metadata } : {}) });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'metadata' });
    }
    expect((await me.ok.webhooks.list()).data).toEqual([]);
  });
});
