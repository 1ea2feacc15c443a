import { randomBytes, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { rebuildContactProjections } from '@app/contacts';
import { PostgresEventStore } from '@app/event-store';
import { CONTACT_TOPICS, WebhooksWorker } from '@app/webhooks';
import type { CreatedWorkspace } from '@app/workspaces';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../apps/contacts-api/src/cli-commands.js';
import { type Client, type Json, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Retries wait a minute: the failing subscription's deliveries stay pending through the test.
const TIMING = { pollMs: 20, retryBaseMs: 60_000, maxAttempts: 3, timeoutMs: 2000, processorName: 'webhooks-erasure-e2e' };
const NOT_FOUND = { type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'not_found', message: 'User Not Found' }] };

/** A contact's personal values, each unique to this run, so that a raw search of the database can look for them. */
function personalValues(label: string) {
  const unique = `${label}${randomBytes(6).toString('hex')}`;
  return {
    email: `${unique}@erasure.example.com`,
    name: `Name ${unique}`,
    phone: `+1555${unique}`,
    external_id: `ext-${unique}`,
    avatar: `https://img.example.com/${unique}.png`,
    plan: `plan-${unique}`,
    renamed: `Renamed ${unique}`,
    note: `note body ${unique}`,
    metadata: `meta-${unique}`,
  };
}

describe('contact erasure', () => {
  let t: TestApp;
  let worker: WebhooksWorker;
  let server: Server;
  let ws: CreatedWorkspace;
  let me: Client;
  let hits = 0;

  /** Every base table of the database whose rows, as text, contain the value: none must, once it is erased. */
  async function tablesHolding(value: string): Promise<string[]> {
    const { rows: tables } = await t.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    expect(tables.map((row) => row.table_name)).toEqual(expect.arrayContaining(['es_events', 'contacts', 'webhook_deliveries', 'idempotency_keys']));
    const found: string[] = [];
    for (const { table_name: table } of tables) {
      const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM "${table}" x WHERE strpos(x::text, $1) > 0`, [value]);
      if (rows[0].n > 0) found.push(table);
    }
    return found;
  }

  const tablesHoldingAny = async (values: Record<string, string>) =>
    Object.fromEntries((await Promise.all(Object.entries(values).map(async ([k, v]) => [k, await tablesHolding(v)] as const))).filter(([, tables]) => tables.length > 0));

  const eventCount = async (id: string) =>
    (await t.pool.query(`SELECT count(*)::int AS n FROM es_events WHERE workspace_id = $1 AND stream_id IN ($2, $2 || ':events')`, [ws.workspace_id, id])).rows[0].n;

  async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await sleep(20);
    }
  }

  /** A contact with every kind of personal value: fields, a custom attribute, an update, a tag, a note, a data event. */
  async function populated(values: ReturnType<typeof personalValues>, headers: Record<string, string> = {}) {
    const contact = await me.ok.contacts.create(
      { role: 'user', email: values.email, name: values.name, phone: values.phone, external_id: values.external_id, avatar: values.avatar, custom_attributes: { plan: values.plan } },
      headers,
    );
    await me.ok.contacts.update(contact.id, { name: values.renamed });
    const tag = await me.ok.tags.save({ name: `erasure-tag-${randomBytes(3).toString('hex')}` });
    await me.ok.tags.attach(contact.id, { id: tag.id });
    await me.ok.notes.add(contact.id, { body: values.note });
    expect((await me.dataEvents.track({ event_name: 'erasure-viewed', created_at: 1_700_000_000, id: contact.id, metadata: { code: values.metadata } })).status).toBe(202);
    return contact as Json;
  }

  beforeAll(async () => {
    // The default master key, as every test file's: log readers of other files (a rebuild, a notifier) read these events too.
    t = await startTestApp();
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        hits++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    worker = new WebhooksWorker({ pool: t.pool, store: t.app.get(PostgresEventStore), secrets: t.workspaces }, TIMING, { pollMs: 20 });
    await worker.start();
    ws = await t.newWorkspace('erasure');
    me = api(t).as(ws);
    await me.ok.dataAttributes.define('plan', 'string');
  });
  afterAll(async () => {
    await worker?.stop();
    server?.closeAllConnections();
    server?.close();
    await t?.close();
  });

  describe('of a contact with every kind of personal value, delivered to webhooks', () => {
    const values = personalValues('live');
    let contact: Json;
    let firstAnswer: Json;
    let eventsBefore: number;
    let beforeErasure: number;

    beforeAll(async () => {
      const delivered = await me.ok.webhooks.subscribe(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, CONTACT_TOPICS);
      // Nothing listens on port 9: its deliveries fail and wait for a retry, pending.
      const pending = await me.ok.webhooks.subscribe('http://127.0.0.1:9/hooks', ['contact.user.created', 'contact.user.updated', 'contact.user.tag.created']);
      // A key is the client's opaque token (a UUID), stored as it is beside the events: never built from personal data.
      contact = await populated(values, { 'Idempotency-Key': randomUUID() });
      const deliveries = async (status: string, subscription: string) =>
        (await t.pool.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 AND status = $2', [subscription, status])).rows[0].n;
      await until(async () => hits >= 3 && (await deliveries('delivered', delivered.id)) >= 3 && (await deliveries('pending', pending.id)) >= 3);
      expect(await tablesHolding(values.email)).toEqual(expect.arrayContaining(['webhook_deliveries', 'idempotency_keys', 'contacts', 'contact_search_values']));
      // A parked event's error may quote a value.
      await t.pool.query(
        `INSERT INTO es_parked_events (processor, transaction_id, global_position, workspace_id, stream_id, stream_position, event_id, event_type, error)
         SELECT 'erasure-e2e', transaction_id, global_position, workspace_id, stream_id, stream_position, event_id, event_type, $3
           FROM es_events WHERE workspace_id = $1 AND stream_id = $2 AND stream_position = 1`,
        [ws.workspace_id, contact.id, `PoisonEventError: cannot map ${values.email}`],
      );
      eventsBefore = await eventCount(contact.id);
      // as_of is in seconds: the erasure lands in a later second than every event before it.
      beforeErasure = Math.floor(Date.now() / 1000);
      await until(async () => Math.floor(Date.now() / 1000) > beforeErasure);
      const res = await me.post(`/contacts/${contact.id}/erase`);
      expect(res.status, res.text).toBe(200);
      firstAnswer = res.body;
      await worker.drain();
    });

    it('answers the erased contact, and appends one ContactErased with who and when only', async () => {
      expect(firstAnswer).toEqual({ type: 'contact', id: contact.id, erased: true });
      expect(await eventCount(contact.id)).toBe(eventsBefore + 1);
      const { rows } = await t.pool.query(`SELECT data, metadata FROM es_events WHERE stream_id = $1 AND event_type = 'ContactErased'`, [contact.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].data).toEqual({ admin_id: null, occurred_at: expect.any(Number) });
      expect(rows[0].metadata.actor).toEqual({ type: 'access_token', id: expect.any(String) });
    });

    it('leaves none of its values in any table of the database, es_events included', async () => {
      expect(await tablesHoldingAny(values)).toEqual({});
      const keys = await t.pool.query('SELECT wrapped_key, erased_at FROM es_data_keys WHERE workspace_id = $1 AND owner_id = $2', [ws.workspace_id, contact.id]);
      expect(keys.rows).toEqual([{ wrapped_key: null, erased_at: expect.any(Date) }]);
      for (const table of ['contacts', 'contact_notes', 'contact_tag_applications', 'contact_snapshots', 'contact_event_summaries', 'contact_data_event_keys', 'company_contacts']) {
        const column = table === 'contacts' ? 'id' : 'contact_id';
        expect((await t.pool.query(`SELECT 1 FROM ${table} WHERE workspace_id = $1 AND ${column} = $2`, [ws.workspace_id, contact.id])).rows, table).toEqual([]);
      }
    });

    it('drops its pending webhook deliveries and keeps no payload in the sent ones', async () => {
      const { rows } = await t.pool.query('SELECT status, item FROM webhook_deliveries WHERE workspace_id = $1 AND contact_id = $2', [ws.workspace_id, contact.id]);
      expect(rows.length).toBeGreaterThanOrEqual(6);
      expect(rows.map((row) => row.status)).not.toContain('pending');
      expect(rows.map((row) => row.status)).toContain('dropped');
      for (const row of rows) expect(row.item).toEqual({ type: expect.any(String), id: contact.id, erased: true });
    });

    it('keeps the audit trail: every event, when and by whom, with its values erased, then ContactErased', async () => {
      const history = await me.ok.contacts.history(contact.id, { per_page: 50 });
      const types = history.data.map((item: Json) => item.event_type);
      expect(types).toEqual(['ContactCreated', 'ContactUpdated', 'ContactTagged', 'NoteAdded', 'ContactErased']);
      for (const item of history.data) expect(item).toMatchObject({ occurred_at: expect.any(Number), actor: { type: 'access_token' } });
      expect(history.data[0].changes).toMatchObject({ email: { from: null, to: '[erased]' }, name: { from: null, to: '[erased]' }, 'custom_attributes.plan': { to: '[erased]' } });
      expect(history.data[4].changes).toEqual({ erased: { from: null, to: true } });
      const then = await me.contacts.get(contact.id).query({ as_of: beforeErasure });
      expect(then.status, then.text).toBe(200);
      expect(then.body).toMatchObject({ id: contact.id, email: '[erased]', name: '[erased]', phone: '[erased]', custom_attributes: { plan: '[erased]' } });
      expect((await me.contacts.get(contact.id).query({ as_of: Math.floor(Date.now() / 1000) })).status).toBe(404);
      // The feed is gap-safe: it stops below a transaction still in flight (another file's, in a shared database), so
      // it is read again until it reaches the erasure, for at most 10 s.
      const readFeed = async (): Promise<Json[]> => (await me.ok.changes({ limit: 1000 })).data.filter((item: Json) => item.contact_id === contact.id);
      const deadline = Date.now() + 10_000;
      let feed = await readFeed();
      while (!feed.some((item: Json) => item.event_type === 'ContactErased') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        feed = await readFeed();
      }
      expect(feed.map((item: Json) => item.event_type)).toEqual(['ContactCreated', 'ContactUpdated', 'ContactTagged', 'NoteAdded', 'DataEventTracked', 'ContactErased']);
      expect(feed.find((item: Json) => item.event_type === 'ContactCreated')?.data).toMatchObject({ email: '[erased]', name: '[erased]' });
      expect(JSON.stringify(feed)).not.toContain(values.email);
    });

    it('answers a second erasure the same and writes nothing', async () => {
      const again = await me.post(`/contacts/${contact.id}/erase`);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(firstAnswer);
      expect(await eventCount(contact.id)).toBe(eventsBefore + 1);
    });

    it('answers later writes and reads 404 like a deleted contact, in the error envelope', async () => {
      for (const res of [
        await me.contacts.get(contact.id),
        await me.contacts.update(contact.id, { name: 'again' }),
        await me.contacts.archive(contact.id),
        await me.notes.add(contact.id, { body: 'again' }),
        await me.dataEvents.track({ event_name: 'erasure-viewed', created_at: 1_700_000_001, id: contact.id }),
      ]) {
        expect(res.status, res.text).toBe(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
      expect(await eventCount(contact.id)).toBe(eventsBefore + 1);
    });

    it('leaves the log append-only: the trigger is there and still refuses UPDATE and DELETE', async () => {
      const { rows } = await t.pool.query(`SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'es_events'::regclass AND tgname LIKE 'es_events_%' ORDER BY 1`);
      expect(rows).toEqual(expect.arrayContaining([{ tgname: 'es_events_append_only', tgenabled: 'O' }, { tgname: 'es_events_no_truncate', tgenabled: 'O' }]));
      await expect(t.pool.query(`UPDATE es_events SET data = '{}' WHERE stream_id = $1`, [contact.id])).rejects.toThrow(/append-only/);
      await expect(t.pool.query('DELETE FROM es_events WHERE stream_id = $1', [contact.id])).rejects.toThrow(/append-only/);
    });
  });

  it('empties every stored answer that names the contact (its PUT, a PUT that changed nothing, a note, a merge), and no other', async () => {
    const values = personalValues('keyed');
    const other = personalValues('unrelated');
    const contact = await me.ok.contacts.create({ role: 'user', email: values.email, name: values.name });
    const lead = await me.ok.contacts.create({ role: 'lead', phone: values.phone });
    const kept = await me.ok.contacts.create({ role: 'user', email: other.email, name: other.name });
    const keys = { put: randomUUID(), unchanged: randomUUID(), note: randomUUID(), merge: randomUUID(), unrelated: randomUUID() };
    const send = {
      put: () => me.contacts.update(contact.id, { name: values.renamed }, { 'Idempotency-Key': keys.put }),
      unchanged: () => me.contacts.update(contact.id, { name: values.renamed }, { 'Idempotency-Key': keys.unchanged }),
      note: () => me.post(`/contacts/${contact.id}/notes`, { body: values.note }, { 'Idempotency-Key': keys.note }),
      merge: () => me.contacts.merge({ from: lead.id, into: contact.id }, { 'Idempotency-Key': keys.merge }),
      unrelated: () => me.contacts.update(kept.id, { name: other.renamed }, { 'Idempotency-Key': keys.unrelated }),
    };
    const answers: Record<string, { status: number; text: string }> = {};
    for (const [name, request] of Object.entries(send)) {
      answers[name] = await request();
      expect(answers[name].status, answers[name].text).toBe(200);
    }
    expect(answers.unchanged.text).toContain(values.email);
    expect(answers.note.text).toContain(contact.id);
    expect(answers.merge.text).toContain(values.email);
    const row = async (key: string) => (await t.pool.query('SELECT body FROM idempotency_keys WHERE workspace_id = $1 AND key = $2', [ws.workspace_id, key])).rows[0];
    const named = async (key: string) =>
      (await t.pool.query('SELECT stream_id FROM idempotency_key_streams WHERE workspace_id = $1 AND key = $2 ORDER BY 1', [ws.workspace_id, key])).rows.map((r) => r.stream_id);
    // The PUT that changed nothing appended nothing: its answer is named by the repository, the others by their appends.
    expect(await named(keys.unchanged)).toEqual([contact.id]);
    expect(await named(keys.merge)).toEqual([contact.id, lead.id].sort());
    expect(await named(keys.note)).toEqual([contact.id]);

    expect((await me.post(`/contacts/${contact.id}/erase`)).status).toBe(200);
    for (const name of ['put', 'unchanged', 'note', 'merge'] as const) {
      expect((await row(keys[name])).body, name).toBeNull();
      // Still applied: the retry is refused, it neither runs again nor shows what was erased.
      const retried = await send[name]();
      expect(retried.status, name).toBe(409);
      expect(retried.body).toMatchObject({ type: 'error.list', errors: [{ code: 'conflict' }] });
      for (const value of Object.values(values)) expect(retried.text).not.toContain(value);
    }
    expect(await tablesHoldingAny(values)).toEqual({});
    expect((await row(keys.unrelated)).body).toBe(answers.unrelated.text);
    const replayed = await send.unrelated();
    expect(replayed.text).toBe(answers.unrelated.text);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
  });

  it('erases archived and deleted contacts, and a user with the lead merged into it', async () => {
    const archived = personalValues('archived');
    const deleted = personalValues('deleted');
    const lead = personalValues('lead');
    const a = await populated(archived);
    await me.ok.contacts.archive(a.id);
    const d = await populated(deleted);
    await me.ok.contacts.delete(d.id);
    const l = await me.ok.contacts.create({ role: 'lead', email: lead.email, name: lead.name, phone: lead.phone, custom_attributes: { plan: lead.plan } });
    await me.ok.notes.add(l.id, { body: lead.note });
    const u = await me.ok.contacts.create({ role: 'user', email: `user-${lead.email}` });
    await me.ok.contacts.merge({ from: l.id, into: u.id });
    for (const id of [a.id, d.id, u.id]) expect((await me.ok.post(`/contacts/${id}/erase`)).erased).toBe(true);
    expect(await tablesHoldingAny({ ...archived, ...Object.fromEntries(Object.entries(deleted).map(([k, v]) => [`deleted.${k}`, v])) })).toEqual({});
    expect(await tablesHoldingAny(lead)).toEqual({});
    // The lead is the same person: it was erased first, on its own stream.
    const leadHistory = await me.ok.contacts.history(l.id);
    expect(leadHistory.data.at(-1).event_type).toBe('ContactErased');
    expect((await me.contacts.get(l.id)).status).toBe(404);
  });

  it('a projection rebuild after erasures gives the read model the live projection wrote', async () => {
    const read = async () => {
      const rows = async (sql: string) => (await t.pool.query(sql, [ws.workspace_id])).rows;
      return {
        contacts: await rows('SELECT id, version, state FROM contacts WHERE workspace_id = $1 ORDER BY id'),
        search: await rows('SELECT * FROM contact_search_values WHERE workspace_id = $1 ORDER BY contact_id, field'),
        notes: await rows('SELECT * FROM contact_notes WHERE workspace_id = $1 ORDER BY id'),
        merges: await rows('SELECT * FROM contact_merges WHERE workspace_id = $1 ORDER BY from_id'),
        tags: await rows('SELECT * FROM contact_tag_applications WHERE workspace_id = $1 ORDER BY contact_id, tag_id'),
        snapshots: await rows('SELECT * FROM contact_snapshots WHERE workspace_id = $1 ORDER BY contact_id, version'),
        summaries: await rows('SELECT * FROM contact_event_summaries WHERE workspace_id = $1 ORDER BY contact_id, event_name'),
        keys: await rows('SELECT * FROM contact_data_event_keys WHERE workspace_id = $1 ORDER BY contact_id, event_name, created_at'),
        companyContacts: await rows('SELECT * FROM company_contacts WHERE workspace_id = $1 ORDER BY company_id, contact_id'),
        count: await rows('SELECT sum(visible)::int AS n FROM contact_counts WHERE workspace_id = $1'),
      };
    };
    // One contact that stays, beside the erased ones, so that the comparison is not of empty tables only.
    await populated(personalValues('kept'));
    const live = await read();
    expect(live.contacts.length).toBeGreaterThan(0);
    // Waiting its turn: another test file may be running one.
    for (let attempt = 0; ; attempt++) {
      try {
        await rebuildContactProjections(t.pool, t.app.get(PostgresEventStore));
        break;
      } catch (error) {
        if (!String(error).includes('another projection rebuild is running') || attempt > 50) throw error;
        await sleep(500);
      }
    }
    expect(await read()).toEqual(live);
  });

  it('erases from the CLI, and refuses an unknown contact there', async () => {
    const values = personalValues('cli');
    const contact = await populated(values);
    const env = { DATABASE_URL: inject('databaseUrl') };
    expect(await runCli(['contacts', 'erase', '--workspace', ws.workspace_id, contact.id], env)).toEqual({ type: 'contact', id: contact.id, erased: true });
    expect(await tablesHoldingAny(values)).toEqual({});
    const { rows } = await t.pool.query(`SELECT metadata FROM es_events WHERE stream_id = $1 AND event_type = 'ContactErased'`, [contact.id]);
    expect(rows.map((row) => row.metadata.actor)).toEqual([{ type: 'system', id: 'cli:contacts-erase' }]);
    await expect(runCli(['contacts', 'erase', '--workspace', ws.workspace_id, 'nope'], env)).rejects.toThrow(/no contact nope/);
    await expect(runCli(['contacts', 'erase', '--workspace', ws.workspace_id], env)).rejects.toThrow(/needs --workspace and a contact id/);
  });

  it('records the admin who asked, and refuses one that is not of the workspace', async () => {
    const contact = await me.ok.contacts.create({ email: `admin-${randomBytes(4).toString('hex')}@example.com` });
    const [admin] = (await me.ok.admins.list()).admins;
    for (const admin_id of ['999999999', { id: 1 }]) {
      const bad = await me.post(`/contacts/${contact.id}/erase`, { admin_id });
      expect(bad.status, bad.text).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'admin_id' });
    }
    expect(await eventCount(contact.id)).toBe(1);
    expect((await me.ok.post(`/contacts/${contact.id}/erase`, { admin_id: admin.id })).erased).toBe(true);
    const { rows } = await t.pool.query(`SELECT data FROM es_events WHERE stream_id = $1 AND event_type = 'ContactErased'`, [contact.id]);
    expect(rows.map((row) => row.data.admin_id)).toEqual([Number(admin.id)]);
  });

  it('answers an unknown contact 404 and a bad token 401, in the error envelope, writing nothing', async () => {
    const unknown = await me.post('/contacts/000000000000000000000000/erase');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(NOT_FOUND);
    const contact = await me.ok.contacts.create({ email: `token-${randomBytes(4).toString('hex')}@example.com` });
    const bad = await api(t).as('not-a-token').post(`/contacts/${contact.id}/erase`);
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ type: 'error.list', errors: [{ code: 'unauthorized' }] });
    expect(await eventCount(contact.id)).toBe(1);
  });
});
