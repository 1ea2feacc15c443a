import { createHmac } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresEventStore } from '@app/event-store';
import { LogProcessorsRunner } from '@app/processors';
import { WebhooksWorker } from '@app/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, api } from './support/api.js';
import { NatsProbe, uniqueTarget } from './support/nats.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NATS_URL = process.env.NATS_URL;
if (!NATS_URL) console.log('company-events.e2e-spec: the NATS part is SKIPPED, NATS_URL is unset');

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A company's life: created, updated, tagged, untagged, a (2.16) note, deleted (with a contact that held it). */
async function companyLife(t: TestApp, token: { access_token: string }) {
  const me = api(t).as(token);
  const company = await me.ok.companies.save({ company_id: 'life-1', name: 'Life', plan: 'Pro' });
  const updated = await me.ok.companies.update(company.id, { name: 'Life Inc' });
  const tag = await me.ok.tags.save({ name: 'Partner', companies: [{ id: company.id }] });
  await me.ok.tags.save({ name: 'Partner', companies: [{ id: company.id, untag: true }] });
  await me.ok.post(`/companies/${company.id}/notes`, { body: 'A note' }, { 'Intercom-Version': '2.16' });
  const contact = await me.ok.contacts.create({ role: 'lead' });
  await me.ok.companies.attach(contact.id, { id: company.id });
  await me.ok.companies.delete(company.id);
  return { company, updated, tag, contact };
}

describe.skipIf(!NATS_URL)('company events on NATS JetStream', () => {
  const target = uniqueTarget();
  let t: TestApp;
  let probe: NatsProbe;

  beforeAll(async () => {
    probe = await NatsProbe.connect(NATS_URL!);
    t = await startTestApp({ WORKERS: 'inline', NATS_URL: NATS_URL!, NATS_STREAM: target.stream, NATS_SUBJECT_PREFIX: target.prefix });
  });
  afterAll(async () => {
    await t?.close();
    await probe?.close([target.stream]);
  });

  it("publishes each company event on <prefix>.<workspace>.<company>.<type> with the company's id, in stream order", async () => {
    const ws = await t.newWorkspace();
    const { company, contact } = await companyLife(t, ws);
    const relay = t.app.get(LogProcessorsRunner).get(`nats-relay:${target.stream}`)!;
    const log = await storedEvents(t, company.id);
    expect(log.map((e) => e.event_type)).toEqual(['CompanyCreated', 'CompanyUpdated', 'CompanyTagged', 'CompanyUntagged', 'CompanyNoteAdded', 'CompanyDeleted']);
    let messages: Awaited<ReturnType<NatsProbe['read']>> = [];
    await until(async () => {
      await relay.drain();
      messages = await probe.read(target.stream, `${target.prefix}.${ws.workspace_id}.`);
      return messages.length >= log.length + 3;
    }, 'the relay');
    const ofCompany = messages.filter((m) => m.envelope.company_id === company.id);
    expect(ofCompany.map((m) => m.subject)).toEqual(log.map((e) => `${target.prefix}.${ws.workspace_id}.${company.id}.${e.event_type}`));
    expect(ofCompany.map((m) => m.msgId)).toEqual(log.map((e) => e.event_id));
    const created = ofCompany[0].envelope;
    expect(Object.keys(created)).toEqual(['id', 'type', 'workspace_id', 'company_id', 'stream_position', 'global_position', 'occurred_at', 'recorded_at', 'actor', 'request_id', 'data']);
    expect(created).toMatchObject({ type: 'CompanyCreated', stream_position: 1, data: log[0].data, occurred_at: company.created_at });
    // The contact's side of it stays on the contact's stream: CompanyAttached, then the delete's CompanyDetached.
    const ofContact = messages.filter((m) => m.envelope.contact_id === contact.id).map((m) => m.envelope.type);
    expect(ofContact).toEqual(['ContactCreated', 'CompanyAttached', 'CompanyDetached']);
  });
});

describe('company events on webhooks and the change feed', () => {
  let t: TestApp;
  let worker: WebhooksWorker;
  let server: Server;
  const hits: { raw: string; body: Json; signature: string | undefined }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    worker = new WebhooksWorker(
      { pool: t.pool, store: t.app.get(PostgresEventStore), secrets: t.workspaces },
      { pollMs: 20, retryBaseMs: 150, maxAttempts: 3, timeoutMs: 2000, processorName: 'company-webhooks-e2e' },
      { pollMs: 20 },
    );
    await worker.start();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        hits.push({ raw, body: JSON.parse(raw), signature: req.headers['x-hub-signature'] as string | undefined });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await worker?.stop();
    server?.closeAllConnections();
    server?.close();
    await t?.close();
  });

  it('refuses an unknown company topic, and takes company.created, company.updated and company.deleted', async () => {
    const me = api(t).as(await t.newWorkspace());
    const res = await me.webhooks.subscribe('http://127.0.0.1:1/x', ['company.tag.created']);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'topics' });
    await me.webhooks.subscribe('http://127.0.0.1:1/x', ['company.created', 'company.updated', 'company.deleted']).expect(200);
  });

  it("delivers Intercom's company topics, signed, with the company as each event left it", async () => {
    const ws = await t.newWorkspace();
    const me = api(t).as(ws);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    await me.ok.webhooks.subscribe(url, ['company.created', 'company.updated', 'company.deleted', 'contact.lead.created']);
    const { company, updated, tag } = await companyLife(t, ws);
    const mine = () => hits.filter((hit) => hit.body.app_id === ws.workspace_id);
    await until(() => mine().length >= 6, 'the deliveries');
    await worker.drain();
    await sleep(100);
    // The note raises no topic: Intercom names none for it, and it is no company.updated.
    expect(mine().map((hit) => hit.body.topic)).toEqual(['company.created', 'company.updated', 'company.updated', 'company.updated', 'contact.lead.created', 'company.deleted']);
    const [created, renamed, tagged, untagged, , deleted] = mine().map((hit) => hit.body);
    expect(created.data).toEqual({ type: 'notification_event_data', item: company });
    expect(created.created_at).toBe(company.created_at);
    expect(renamed.data.item).toEqual(updated);
    expect(tagged.data.item.tags).toEqual({ type: 'tag.list', tags: [{ type: 'tag', id: tag.id, name: 'Partner' }] });
    expect(untagged.data.item.tags.tags).toEqual([]);
    expect(deleted.data.item).toEqual({ type: 'company', id: company.id, company_id: 'life-1', deleted: true });
    const { client_secret } = (await t.pool.query('SELECT client_secret FROM workspaces WHERE id = $1', [ws.workspace_id])).rows[0];
    for (const hit of mine()) expect(hit.signature).toBe(`sha1=${createHmac('sha1', client_secret).update(hit.raw).digest('hex')}`);
  });

  it('delivers company.contact.attached and company.contact.detached (a detach by hand and by the company\'s delete)', async () => {
    const ws = await t.newWorkspace();
    const me = api(t).as(ws);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    await me.ok.webhooks.subscribe(url, ['company.contact.attached', 'company.contact.detached']);
    const acme = await me.ok.companies.save({ company_id: 'attach-1', name: 'Acme' });
    const globex = await me.ok.companies.save({ company_id: 'attach-2', name: 'Globex' });
    const contact = await me.ok.contacts.create({ email: 'attach@example.com' });
    await me.ok.companies.attach(contact.id, { id: acme.id });
    await me.ok.companies.attach(contact.id, { id: globex.id });
    await me.ok.companies.detach(contact.id, acme.id);
    await me.ok.companies.delete(globex.id);
    // Refused changes raise nothing: an unknown company, and detaching one the contact does not hold.
    expect((await me.companies.attach(contact.id, { id: '650cbc286d0a728750658b15' })).status).toBe(404);
    const mine = () => hits.filter((hit) => hit.body.app_id === ws.workspace_id);
    await until(() => mine().length >= 4, 'the deliveries');
    await worker.drain();
    await sleep(100);
    const bodies = mine().map((hit) => hit.body);
    expect(bodies.map((b) => [b.topic, b.data.item.company.id])).toEqual([
      ['company.contact.attached', acme.id],
      ['company.contact.attached', globex.id],
      ['company.contact.detached', acme.id],
      ['company.contact.detached', globex.id],
    ]);
    const log = (await storedEvents(t, contact.id)).filter((e) => e.event_type.startsWith('Company'));
    expect(log.map((e) => e.event_type)).toEqual(['CompanyAttached', 'CompanyAttached', 'CompanyDetached', 'CompanyDetached']);
    for (const [i, body] of bodies.entries()) {
      expect(body).toMatchObject({ type: 'notification_event', app_id: ws.workspace_id, delivery_attempts: 1, created_at: log[i].data.occurred_at });
      expect(body.data).toEqual({
        type: 'notification_event_data',
        item: { type: 'contact_company', created_at: log[i].data.occurred_at, company: { type: 'company', id: log[i].data.company_id }, contact: expect.objectContaining({ type: 'contact', id: contact.id }) },
      });
    }
    // The contact as each event left it: the first attach shows one company, the second two.
    expect(bodies[0].data.item.contact.companies.total_count).toBe(1);
    expect(bodies[1].data.item.contact.companies.total_count).toBe(2);
    const { client_secret } = (await t.pool.query('SELECT client_secret FROM workspaces WHERE id = $1', [ws.workspace_id])).rows[0];
    for (const hit of mine()) expect(hit.signature).toBe(`sha1=${createHmac('sha1', client_secret).update(hit.raw).digest('hex')}`);
  });

  it("lists company events in the workspace's change feed, by the company's stream", async () => {
    const ws = await t.newWorkspace();
    const { company } = await companyLife(t, ws);
    // The feed answers only what is below the log's safe horizon: read on from the cursor until all of it is there.
    const seen: Json[] = [];
    let after: string | undefined;
    await until(async () => {
      const page = await api(t).as(ws).ok.changes({ limit: 100, ...(after ? { after } : {}) });
      seen.push(...page.data);
      after = page.next_cursor;
      return seen.some((e) => e.event_type === 'CompanyDeleted');
    }, 'the change feed');
    const types = seen.filter((e) => e.company_id === company.id).map((e) => e.event_type);
    expect(types).toEqual(['CompanyCreated', 'CompanyUpdated', 'CompanyTagged', 'CompanyUntagged', 'CompanyNoteAdded', 'CompanyDeleted']);
  });
});
