import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import { PostgresEventStore } from '@app/event-store';
import { LogProcessorsRunner } from '@app/processors';
import { CONTACT_TOPICS, WebhookDeliveryLoop, WebhooksWorker } from '@app/webhooks';
import type { CreatedWorkspace } from '@app/workspaces';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@app/runtime';
import { WorkerModule } from '../apps/contacts-worker/src/worker.module.js';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface Hit {
  raw: string;
  body: Record<string, any>;
  headers: IncomingHttpHeaders;
  at: number;
}

/** What a receiver answers to its n-th request: a status, a status later, or nothing at all. */
type Answer = (hit: Hit, n: number) => number | Promise<number> | 'hang';

const TIMING = { pollMs: 20, retryBaseMs: 150, maxAttempts: 3, timeoutMs: 2000, processorName: 'webhooks-e2e' };

describe('webhooks', () => {
  let t: TestApp;
  let worker: WebhooksWorker;
  const servers: Server[] = [];
  /** The deliveries of a subscription, newest first. */
  const deliveries = async (as: Client, id: string) => (await as.ok.webhooks.deliveries(id)).data;
  const sign = (raw: string, secret: string) => `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`;

  async function receiver(answer: Answer = () => 200) {
    const hits: Hit[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const hit = { raw, body: JSON.parse(raw), headers: req.headers, at: Date.now() };
        hits.push(hit);
        const status = answer(hit, hits.length);
        if (status !== 'hang') res.writeHead(await status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    return { url, hits, topics: () => hits.map((hit) => hit.body.topic as string) };
  }

  async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await sleep(10);
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    worker = new WebhooksWorker({ pool: t.pool, store: t.app.get(PostgresEventStore), secrets: t.workspaces }, TIMING, { pollMs: 20 });
    await worker.start();
  });
  let workerStopped = false;
  afterAll(async () => {
    if (!workerStopped) await worker?.stop();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await t?.close();
  });

  describe('subscriptions over HTTP', () => {
    it('creates, lists and deletes; a deleted one is gone', async () => {
      const ws = await t.newWorkspace();
      const me = api(t).as(ws);
      const created = await me.ok.webhooks.subscribe('https://example.com/hooks', ['contact.user.created', 'ping', 'contact.user.created']);
      expect(Object.keys(created)).toEqual(['type', 'id', 'url', 'topics', 'active', 'created_at']);
      expect(created).toMatchObject({ type: 'webhook_subscription', url: 'https://example.com/hooks', topics: ['contact.user.created', 'ping'], active: true });
      expect(created.id).toMatch(/^[0-9a-f]{24}$/);
      expect(Math.abs(created.created_at - Date.now() / 1000)).toBeLessThan(60);
      const other = await me.ok.webhooks.subscribe('http://127.0.0.1:9/hooks', ['contact.lead.created']);

      expect(await me.ok.webhooks.list()).toEqual({ type: 'list', data: [created, other] });
      expect(await me.ok.webhooks.delete(created.id)).toEqual({ ...created, deleted: true });
      expect((await me.ok.webhooks.list()).data).toEqual([other]);
      const again = await me.webhooks.delete(created.id);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
      expect((await me.webhooks.deliveries(created.id)).status).toBe(404);
    });

    it.each([
      [{ topics: ['contact.user.created'] }, 'url'],
      [{ url: 'ftp://example.com/hooks', topics: ['contact.user.created'] }, 'url'],
      [{ url: 'example.com/hooks', topics: ['contact.user.created'] }, 'url'],
      [{ url: 'not a url', topics: ['contact.user.created'] }, 'url'],
      [{ url: 42, topics: ['contact.user.created'] }, 'url'],
      [{ url: 'https://example.com/hooks' }, 'topics'],
      [{ url: 'https://example.com/hooks', topics: [] }, 'topics'],
      [{ url: 'https://example.com/hooks', topics: 'contact.user.created' }, 'topics'],
      [{ url: 'https://example.com/hooks', topics: ['contact.created'] }, 'topics'],
      [{ url: 'https://example.com/hooks', topics: ['contact.user.created', 'conversation.user.created'] }, 'topics'],
    ])('refuses %j with 400 parameter_invalid on %s, and stores nothing', async (body, field) => {
      const ws = await t.newWorkspace();
      const me = api(t).as(ws);
      const res = await me.webhooks.create(body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field });
      expect((await me.ok.webhooks.list()).data).toEqual([]);
    });

    it("needs a token, and never shows or removes another workspace's subscription", async () => {
      const [mine, theirs] = [api(t).as(await t.newWorkspace()), api(t).as(await t.newWorkspace())];
      const sub = await mine.ok.webhooks.subscribe('https://example.com/hooks', ['contact.user.created']);
      const nobody = api(t).as(null);
      expect((await nobody.webhooks.list()).status).toBe(401);
      expect((await nobody.webhooks.subscribe('https://example.com/x', ['ping'])).status).toBe(401);
      expect((await theirs.ok.webhooks.list()).data).toEqual([]);
      const steal = await theirs.webhooks.delete(sub.id);
      expect(steal.status).toBe(404);
      expect(steal.body.errors[0]).toEqual({ code: 'not_found', message: 'Resource Not Found' });
      expect((await theirs.webhooks.deliveries(sub.id)).status).toBe(404);
      expect((await mine.ok.webhooks.list()).data).toEqual([sub]);
    });
  });

  describe('delivery', () => {
    it('sends the right topics in log order, in the signed notification_event envelope', async () => {
      const ws = await t.newWorkspace();
      const me = api(t).as(ws);
      const hook = await receiver();
      const sub = await me.ok.webhooks.subscribe(hook.url, CONTACT_TOPICS);
      const user = await me.ok.contacts.create({ email: 'ann@example.com', name: 'Ann' });
      await me.ok.contacts.update(user.id, { name: 'Ann B' });
      await me.ok.contacts.update(user.id, { email: 'ann.b@example.com' });
      const vip = await me.ok.tags.save({ name: 'VIP' });
      await me.ok.tags.attach(user.id, { id: vip.id });
      await me.ok.tags.detach(user.id, vip.id);
      await me.ok.contacts.archive(user.id);
      await me.ok.contacts.unarchive(user.id);
      const lead = await me.ok.contacts.create({ role: 'lead' });
      await me.ok.contacts.update(lead.id, { email: 'lead@example.com' });
      await me.ok.tags.attach(lead.id, { id: vip.id });
      const merged = await me.ok.contacts.merge({ from: lead.id, into: user.id });
      const signUp = await me.ok.contacts.create({ role: 'lead', email: 'later@example.com' });
      await me.ok.contacts.update(signUp.id, { role: 'user' });
      const [newsletter] = (await me.ok.subscriptions.types()).data;
      await me.ok.subscriptions.attach(signUp.id, { id: newsletter.id, consent_type: 'opt_out' });
      await me.ok.contacts.delete(user.id);

      const expected = [
        ['contact.user.created', 'ContactCreated'],
        ['contact.user.updated', 'ContactUpdated'],
        ['contact.user.updated', 'ContactUpdated'],
        ['contact.email.updated', 'ContactUpdated'],
        ['contact.user.tag.created', 'ContactTagged'],
        ['contact.user.tag.deleted', 'ContactUntagged'],
        ['contact.archived', 'ContactArchived'],
        ['contact.unarchive', 'ContactUnarchived'],
        ['contact.lead.created', 'ContactCreated'],
        ['contact.lead.updated', 'ContactUpdated'],
        ['contact.email.updated', 'ContactUpdated'],
        ['contact.lead.added_email', 'ContactUpdated'],
        ['contact.lead.tag.created', 'ContactTagged'],
        ['contact.merged', 'ContactMergedFrom'],
        ['contact.lead.created', 'ContactCreated'],
        ['contact.user.updated', 'ContactUpdated'],
        ['contact.lead.signed_up', 'ContactUpdated'],
        ['contact.unsubscribed', 'SubscriptionConsentSet'],
        ['contact.deleted', 'ContactDeleted'],
      ];
      await until(() => hook.hits.length >= expected.length);
      await worker.drain();
      await sleep(100);
      expect(hook.topics()).toEqual(expected.map(([topic]) => topic));
      // Each delivery names the event it came from.
      const { rows } = await t.pool.query(
        `SELECT d.topic, e.event_type FROM webhook_deliveries d JOIN es_events e ON e.event_id = d.event_id
          WHERE d.workspace_id = $1 AND d.subscription_id = $2 ORDER BY d.id`,
        [ws.workspace_id, sub.id],
      );
      expect(rows.map((row) => [row.topic, row.event_type])).toEqual(expected);

      const [first] = hook.hits;
      expect(Object.keys(first.body)).toEqual(['type', 'id', 'self', 'app_id', 'created_at', 'topic', 'delivery_attempts', 'first_sent_at', 'data']);
      expect(first.body).toMatchObject({ type: 'notification_event', self: null, app_id: ws.workspace_id, topic: 'contact.user.created', delivery_attempts: 1 });
      expect(first.body.id).toMatch(/^notif_[0-9a-f-]{36}$/);
      expect(first.body.created_at).toBe(user.created_at);
      expect(first.body.first_sent_at).toBeGreaterThanOrEqual(first.body.created_at);
      // The item is the contact exactly as the API answered at that point.
      expect(first.body.data).toEqual({ type: 'notification_event_data', item: user });
      expect(new Set(hook.hits.map((hit) => hit.body.id)).size).toBe(expected.length);
      for (const hit of hook.hits) {
        expect(hit.headers['content-type']).toBe('application/json');
        expect(hit.headers['user-agent']).toBe('intercom-parrot-service-client/1.0');
        expect(hit.headers['x-hub-signature']).toBe(sign(hit.raw, ws.client_secret));
      }

      // The item of the first notification of a topic (their order is asserted above).
      const item = (topic: string) => hook.hits.find((hit) => hit.body.topic === topic)!.body.data.item;
      expect(item('contact.user.updated')).toMatchObject({ id: user.id, name: 'Ann B', email: 'ann@example.com' });
      expect(item('contact.email.updated')).toMatchObject({ id: user.id, email: 'ann.b@example.com' });
      expect(item('contact.user.tag.created')).toMatchObject({ type: 'contact_tag', tag: { id: vip.id, name: 'VIP', type: 'tag' }, contact: { id: user.id, role: 'user' } });
      expect(item('contact.user.tag.created').contact.tags.total_count).toBe(1);
      expect(item('contact.user.tag.deleted').contact.tags.total_count).toBe(0);
      expect(item('contact.lead.tag.created')).toMatchObject({ type: 'contact_tag', contact: { id: lead.id, role: 'lead', email: 'lead@example.com' } });
      expect(item('contact.merged')).toEqual({ ...merged, merged_from: { type: 'contact', id: lead.id } });
      expect(item('contact.lead.signed_up')).toMatchObject({ id: signUp.id, role: 'user' });
      expect(item('contact.unsubscribed').subscription_types.data).toEqual([{ type: 'subscription', id: newsletter.id, consent_type: 'opt_out' }]);
      // Deleted: identifying fields only, although the contact is gone from the read model by now.
      expect(item('contact.deleted')).toEqual({ id: user.id, external_id: null, type: 'contact', deleted: true });
    });

    it('retries a 500 with back-off and then delivers; the next notification waits for it', async () => {
      const ws = await t.newWorkspace();
      const me = api(t).as(ws);
      const hook = await receiver((_, n) => (n === 1 ? 500 : 200));
      const sub = await me.ok.webhooks.subscribe(hook.url, ['contact.lead.created', 'contact.lead.updated']);
      const lead = await me.ok.contacts.create({ role: 'lead' });
      await me.ok.contacts.update(lead.id, { name: 'Bo' });

      await until(() => hook.hits.length >= 3);
      expect(hook.topics()).toEqual(['contact.lead.created', 'contact.lead.created', 'contact.lead.updated']);
      const [failed, retried] = hook.hits.map((hit) => hit.body);
      expect(retried.id).toBe(failed.id);
      expect([failed.delivery_attempts, retried.delivery_attempts]).toEqual([1, 2]);
      expect(retried.first_sent_at).toBe(failed.first_sent_at);
      expect(retried.data).toEqual(failed.data);
      expect(hook.hits[1].at - hook.hits[0].at).toBeGreaterThanOrEqual(TIMING.retryBaseMs - 10);

      await until(async () => (await deliveries(me, sub.id)).every((d: { status: string }) => d.status === 'delivered'));
      const log = await deliveries(me, sub.id);
      expect(log.map((d: { topic: string }) => d.topic)).toEqual(['contact.lead.updated', 'contact.lead.created']);
      expect(Object.keys(log[0])).toEqual([
        'type', 'id', 'topic', 'event_id', 'notification_id', 'status', 'attempts', 'last_status_code', 'last_error', 'next_attempt_at', 'delivered_at', 'created_at',
      ]);
      expect(log[1]).toMatchObject({ type: 'webhook_delivery', notification_id: failed.id, status: 'delivered', attempts: 2, last_status_code: 200, last_error: null, next_attempt_at: null });
      expect(log[1].event_id).toMatch(UUID);
      expect(log[1].delivered_at).toBeGreaterThanOrEqual(log[1].created_at);
      expect(log[0]).toMatchObject({ status: 'delivered', attempts: 1, last_status_code: 200 });
      const page = await me.ok.webhooks.deliveries(sub.id, { per_page: 1 });
      expect(page.data.map((d: { id: string }) => d.id)).toEqual([log[0].id]);
      expect(page.pages).toEqual({ type: 'pages', per_page: 1, next: { per_page: 1, starting_after: log[0].id } });
      const rest = await me.ok.webhooks.deliveries(sub.id, { per_page: 1, starting_after: log[0].id });
      expect(rest.data.map((d: { id: string }) => d.id)).toEqual([log[1].id]);
      expect(rest.pages).toEqual({ type: 'pages', per_page: 1 });
    });

    it('disables the subscription on 410 and drops what it still had queued', async () => {
      const ws = await t.newWorkspace();
      const me = api(t).as(ws);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const hook = await receiver(() => released.then(() => 410));
      const sub = await me.ok.webhooks.subscribe(hook.url, ['contact.lead.created', 'contact.lead.updated']);
      const lead = await me.ok.contacts.create({ role: 'lead' });
      await me.ok.contacts.update(lead.id, { name: 'Cy' });
      await until(() => hook.hits.length === 1);
      await worker.drain();
      expect((await deliveries(me, sub.id)).map((d: { status: string }) => d.status)).toEqual(['pending', 'pending']);
      release();

      await until(async () => (await me.ok.webhooks.list()).data[0].active === false);
      const [second, first] = await deliveries(me, sub.id);
      expect(first).toMatchObject({ topic: 'contact.lead.created', status: 'dropped', attempts: 1, last_status_code: 410 });
      expect(second).toMatchObject({ topic: 'contact.lead.updated', status: 'dropped', attempts: 0, last_status_code: null, last_error: 'subscription disabled' });
      await me.ok.contacts.create({ role: 'lead' });
      await worker.drain();
      await sleep(200);
      expect(hook.hits).toHaveLength(1);
      expect(await deliveries(me, sub.id)).toHaveLength(2);
    });

    it("a hanging or failing receiver delays only its own subscription's deliveries", async () => {
      const ws = await t.newWorkspace();
      const me = api(t).as(ws);
      const [hanging, failing, fast] = [await receiver(() => 'hang'), await receiver(() => 500), await receiver()];
      const topics = ['contact.lead.created', 'contact.lead.updated'];
      const [hangingSub, failingSub, fastSub] = [await me.ok.webhooks.subscribe(hanging.url, topics), await me.ok.webhooks.subscribe(failing.url, topics), await me.ok.webhooks.subscribe(fast.url, topics)];
      const started = Date.now();
      const lead = await me.ok.contacts.create({ role: 'lead' });
      await me.ok.contacts.update(lead.id, { name: 'Di' });
      await me.ok.contacts.update(lead.id, { name: 'Dee' });

      await until(() => fast.hits.length >= 3);
      // All of it arrived while the hanging receiver still held its first request.
      expect(Date.now() - started).toBeLessThan(TIMING.timeoutMs);
      expect(fast.topics()).toEqual(['contact.lead.created', 'contact.lead.updated', 'contact.lead.updated']);
      expect(hanging.hits).toHaveLength(1);
      expect((await deliveries(me, hangingSub.id)).map((d: { attempts: number; status: string }) => [d.status, d.attempts])).toEqual([
        ['pending', 0],
        ['pending', 0],
        ['pending', 0],
      ]);
      // The receiver has answered the third before the delivery loop records it: wait for the record.
      await until(async () => (await deliveries(me, fastSub.id)).every((d: { status: string }) => d.status === 'delivered'));

      // The failing one tries each notification three times, in order, then gives up on it.
      await until(() => failing.hits.length >= 9);
      const ids = failing.hits.map((hit) => hit.body.id);
      expect(failing.topics()).toEqual([...Array(3).fill('contact.lead.created'), ...Array(6).fill('contact.lead.updated')]);
      expect([ids[0], ids[3], ids[6]].every((id, i) => ids.slice(i * 3, i * 3 + 3).every((same) => same === id))).toBe(true);
      expect(failing.hits.map((hit) => hit.body.delivery_attempts)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
      await until(async () => (await deliveries(me, failingSub.id)).every((d: { status: string }) => d.status === 'failed'));
      expect((await deliveries(me, failingSub.id))[0]).toMatchObject({ status: 'failed', attempts: 3, last_status_code: 500, last_error: 'HTTP 500', next_attempt_at: null });

      // The hanging one times out, is retried with the same notification, and only then may move on.
      await until(() => hanging.hits.length >= 2, TIMING.timeoutMs * 3);
      expect(hanging.hits.map((hit) => [hit.body.id, hit.body.delivery_attempts])).toEqual([
        [hanging.hits[0].body.id, 1],
        [hanging.hits[0].body.id, 2],
      ]);
      expect((await deliveries(me, hangingSub.id))[2]).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null, last_error: `no answer within ${TIMING.timeoutMs} ms` });
      await me.ok.webhooks.delete(hangingSub.id);
    });

    it("never sends a workspace's events to another workspace's subscription", async () => {
      const [a, b] = [await t.newWorkspace(), await t.newWorkspace()];
      const [asA, asB] = [api(t).as(a), api(t).as(b)];
      const [hookA, hookB] = [await receiver(), await receiver()];
      await asA.ok.webhooks.subscribe(hookA.url, CONTACT_TOPICS);
      await asB.ok.webhooks.subscribe(hookB.url, CONTACT_TOPICS);
      const contactA = await asA.ok.contacts.create({ email: 'a@example.com' });
      const contactB = await asB.ok.contacts.create({ email: 'b@example.com' });
      await until(() => hookA.hits.length >= 1 && hookB.hits.length >= 1);
      await worker.drain();
      await sleep(200);
      expect(hookA.hits.map((hit) => [hit.body.app_id, hit.body.data.item.id])).toEqual([[a.workspace_id, contactA.id]]);
      expect(hookB.hits.map((hit) => [hit.body.app_id, hit.body.data.item.id])).toEqual([[b.workspace_id, contactB.id]]);
      expect(hookB.hits[0].headers['x-hub-signature']).toBe(sign(hookB.hits[0].raw, b.client_secret));
      expect(hookB.hits[0].headers['x-hub-signature']).not.toBe(sign(hookB.hits[0].raw, a.client_secret));
    });

    it('two delivery loops (two replicas) send each notification once and in order', async () => {
      const second = new WebhookDeliveryLoop(t.pool, t.workspaces, { ...worker.options });
      second.start();
      try {
        const ws = await t.newWorkspace();
        const me = api(t).as(ws);
        const hook = await receiver(async () => (await sleep(Math.random() * 5), 200));
        await me.ok.webhooks.subscribe(hook.url, ['contact.lead.created', 'contact.lead.updated']);
        const lead = await me.ok.contacts.create({ role: 'lead' });
        for (let i = 1; i <= 20; i++) await me.ok.contacts.update(lead.id, { name: `v${i}` });
        await until(() => hook.hits.length >= 21);
        await sleep(200);
        expect(hook.hits).toHaveLength(21);
        expect(hook.hits.map((hit) => hit.body.data.item.name)).toEqual([null, ...Array.from({ length: 20 }, (_, i) => `v${i + 1}`)]);
        expect(hook.hits.every((hit) => hit.body.delivery_attempts === 1)).toBe(true);
      } finally {
        await second.stop();
      }
    });
  });

  // Last: these run the production pipeline ('webhooks', default timings) beside the test's worker, which stops first.
  describe('wiring', () => {
    async function expectDelivered(baseUrl: string, ws: CreatedWorkspace) {
      const hook = await receiver();
      const me = api(baseUrl).as(ws);
      await me.ok.webhooks.subscribe(hook.url, ['contact.user.created']);
      const contact = await me.ok.contacts.create({ email: 'wired@example.com' });
      await until(() => hook.hits.length >= 1);
      expect(hook.hits[0].body).toMatchObject({ app_id: ws.workspace_id, topic: 'contact.user.created', data: { item: { id: contact.id } } });
      expect(hook.hits[0].headers['x-hub-signature']).toBe(sign(hook.hits[0].raw, ws.client_secret));
    }

    it('the API with WORKERS=inline runs the notifier through ProcessorsModule and the delivery loop beside it', async () => {
      await worker.stop();
      workerStopped = true;
      const inline = await startTestApp({ WORKERS: 'inline' });
      try {
        expect(inline.app.get(LogProcessorsRunner).names).toContain('webhooks');
        await expectDelivered(inline.baseUrl, await inline.newWorkspace());
      } finally {
        await inline.close();
      }
    });

    it('the worker process runs them too, while an API with WORKERS=off only takes requests', async () => {
      const config = { ...loadConfig({ LOG_LEVEL: 'silent', WORKER_PORT: '0', HOST: '127.0.0.1' }), databaseUrl: inject('databaseUrl') };
      const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
      await context.init();
      try {
        expect(context.get(LogProcessorsRunner).names).toContain('webhooks');
        await expectDelivered(t.baseUrl, await t.newWorkspace());
      } finally {
        await context.close();
      }
    });
  });
});
