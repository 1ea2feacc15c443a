import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorkspace } from '@app/workspaces';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const USER_NOT_FOUND = { code: 'not_found', message: 'User Not Found' };
const RESOURCE_NOT_FOUND = { code: 'not_found', message: 'Resource Not Found' };
const SUBSCRIPTION_KEYS = ['type', 'id', 'state', 'consent_type', 'default_translation', 'translations', 'content_types'];

describe('subscriptions', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let other: CreatedWorkspace;
  /** Every workspace starts with the email type 'Newsletters'; `sms` is an opt-in SMS type added here. */
  let newsletters: string;
  let sms: string;
  let foreignType: string;
  const api = () => request(t.baseUrl);
  const auth = (w = ws) => ({ Authorization: `Bearer ${w.access_token}` });
  const create = async (body: object, w = ws) => {
    const res = await api().post('/contacts').set(auth(w)).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { id: string };
  };
  const attach = (contactId: string, body: unknown, w = ws) => api().post(`/contacts/${contactId}/subscriptions`).set(auth(w)).send(body as object);
  const detach = (contactId: string, typeId: string, w = ws) => api().delete(`/contacts/${contactId}/subscriptions/${typeId}`).set(auth(w));
  const events = async (id: string) =>
    (await t.pool.query('SELECT event_type, data, metadata FROM es_events WHERE stream_id = $1 ORDER BY stream_position', [id])).rows;
  const typeIds = async (w: CreatedWorkspace) =>
    (await t.pool.query('SELECT id::text AS id FROM subscription_types WHERE workspace_id = $1 ORDER BY id', [w.workspace_id])).rows.map((r) => r.id as string);
  const subscription = (id: string, consent_type: string, name = 'Newsletters', description = 'Product updates and news', content_types = ['email']) => ({
    type: 'subscription',
    id,
    state: 'live',
    consent_type,
    default_translation: { name, description, locale: 'en' },
    translations: [{ name, description, locale: 'en' }],
    content_types,
  });
  const smsSubscription = (consent: string) => subscription(sms, consent, 'Text alerts', 'Order updates by SMS', ['sms_message']);
  const refs = (contactId: string, ids: string[]) => ({
    type: 'list',
    data: ids.map((id) => ({ type: 'subscription', id, url: `/subscriptions/${id}` })),
    url: `/contacts/${contactId}/subscriptions`,
    total_count: ids.length,
    has_more: false,
  });

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('subscriptions');
    other = await t.newWorkspace('other');
    [newsletters] = await typeIds(ws);
    [foreignType] = await typeIds(other);
    // No endpoint creates subscription types: Intercom's are made in its UI.
    const added = await t.pool.query(
      `INSERT INTO subscription_types (workspace_id, name, description, consent_type, content_types)
       VALUES ($1, 'Text alerts', 'Order updates by SMS', 'opt_in', '["sms_message"]') RETURNING id::text AS id`,
      [ws.workspace_id],
    );
    sms = added.rows[0].id;
  });
  afterAll(() => t?.close());

  describe('GET /subscription_types', () => {
    it("lists the workspace's own types with their default consent, in Intercom's shape", async () => {
      const res = await api().get('/subscription_types').set(auth());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'list', data: [subscription(newsletters, 'opt_out'), smsSubscription('opt_in')] });
      expect(Object.keys(res.body.data[0])).toEqual(SUBSCRIPTION_KEYS);
      const theirs = await api().get('/subscription_types').set(auth(other)).expect(200);
      expect(theirs.body.data.map((s: { id: string }) => s.id)).toEqual([foreignType]);
    });
  });

  describe('POST /contacts/{id}/subscriptions', () => {
    it('records SubscriptionConsentSet and answers the type with the contact consent; the contact shows it', async () => {
      const contact = await create({ email: 'opt-in@example.com' });
      const res = await attach(contact.id, { id: newsletters, consent_type: 'opt_in' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual(subscription(newsletters, 'opt_in'));
      expect(Object.keys(res.body)).toEqual(SUBSCRIPTION_KEYS);
      const log = await events(contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'SubscriptionConsentSet']);
      expect(log[1].data).toEqual({ subscription_type_id: newsletters, consent_type: 'opt_in', occurred_at: expect.any(Number) });
      expect(log[1].metadata.request_id).toMatch(UUID);

      const read = await api().get(`/contacts/${contact.id}`).set(auth()).expect(200);
      expect(read.body.opted_in_subscription_types).toEqual(refs(contact.id, [newsletters]));
      expect(read.body.opted_out_subscription_types).toEqual(refs(contact.id, []));
      const listed = await api().get(`/contacts/${contact.id}/subscriptions`).set(auth()).expect(200);
      expect(listed.body).toEqual({ type: 'list', data: [subscription(newsletters, 'opt_in')] });
    });

    it('switches an opt-in to an opt-out, records nothing for a repeat, and takes a numeric id', async () => {
      const contact = await create({ email: 'switch@example.com' });
      await attach(contact.id, { id: newsletters, consent_type: 'opt_in' }).expect(200);
      const out = await attach(contact.id, { id: Number(newsletters), consent_type: 'opt_out' });
      expect(out.status).toBe(200);
      expect(out.body).toEqual(subscription(newsletters, 'opt_out'));
      const again = await attach(contact.id, { id: newsletters, consent_type: 'opt_out' });
      expect(again.body).toEqual(subscription(newsletters, 'opt_out'));
      const log = await events(contact.id);
      expect(log.map((e) => [e.event_type, e.data.consent_type])).toEqual([
        ['ContactCreated', undefined],
        ['SubscriptionConsentSet', 'opt_in'],
        ['SubscriptionConsentSet', 'opt_out'],
      ]);
      const read = await api().get(`/contacts/${contact.id}`).set(auth()).expect(200);
      expect(read.body.opted_in_subscription_types).toEqual(refs(contact.id, []));
      expect(read.body.opted_out_subscription_types).toEqual(refs(contact.id, [newsletters]));
    });

    it('answers 400 parameter_invalid when id or consent_type is missing or malformed', async () => {
      const contact = await create({ email: 'bad-sub@example.com' });
      const bad: [object, string][] = [
        [{ consent_type: 'opt_in' }, 'id'],
        [{ id: '', consent_type: 'opt_in' }, 'id'],
        [{ id: true, consent_type: 'opt_in' }, 'id'],
        [{ id: newsletters }, 'consent_type'],
        [{ id: newsletters, consent_type: 'maybe' }, 'consent_type'],
        [{ id: newsletters, consent_type: null }, 'consent_type'],
      ];
      for (const [body, field] of bad) {
        const res = await attach(contact.id, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field });
      }
      expect((await events(contact.id)).map((e) => e.event_type)).toEqual(['ContactCreated']);
    });

    it('answers 404 User Not Found for a missing or foreign contact, and Resource Not Found for a type not in the workspace', async () => {
      const foreign = await create({ email: 'foreign-sub@example.com' }, other);
      for (const id of ['000000000000000000000000', foreign.id]) {
        const res = await attach(id, { id: newsletters, consent_type: 'opt_in' });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [USER_NOT_FOUND] });
      }
      const contact = await create({ email: 'unknown-type@example.com' });
      for (const id of [foreignType, '99999999', 'invalid_id', '1.5']) {
        const res = await attach(contact.id, { id, consent_type: 'opt_in' });
        expect(res.status, id).toBe(404);
        expect(res.body.errors).toEqual([RESOURCE_NOT_FOUND]);
      }
      // A missing contact is reported before a missing type.
      expect((await attach('000000000000000000000000', { id: 'invalid_id', consent_type: 'opt_in' })).body.errors).toEqual([USER_NOT_FOUND]);
      expect((await events(contact.id)).map((e) => e.event_type)).toEqual(['ContactCreated']);
      expect((await events(foreign.id)).map((e) => e.event_type)).toEqual(['ContactCreated']);
    });
  });

  describe('DELETE /contacts/{id}/subscriptions/{subscription_id}', () => {
    it('records SubscriptionConsentRemoved, answers the removed consent, and the contact forgets it', async () => {
      const contact = await create({ email: 'detach@example.com' });
      await attach(contact.id, { id: sms, consent_type: 'opt_out' }).expect(200);
      const res = await detach(contact.id, sms);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(smsSubscription('opt_out'));
      const log = await events(contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'SubscriptionConsentSet', 'SubscriptionConsentRemoved']);
      expect(log[2].data).toEqual({ subscription_type_id: sms, occurred_at: expect.any(Number) });
      const read = await api().get(`/contacts/${contact.id}`).set(auth()).expect(200);
      expect(read.body.opted_in_subscription_types).toEqual(refs(contact.id, []));
      expect(read.body.opted_out_subscription_types).toEqual(refs(contact.id, []));
      expect((await api().get(`/contacts/${contact.id}/subscriptions`).set(auth()).expect(200)).body).toEqual({ type: 'list', data: [] });

      // Nothing left to remove: no event, and the answer carries the type's own default.
      const again = await detach(contact.id, sms);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(smsSubscription('opt_in'));
      expect(await events(contact.id)).toHaveLength(3);
    });

    it('answers 404 for a missing or foreign contact and for a type not in the workspace', async () => {
      const foreign = await create({ email: 'foreign-detach@example.com' }, other);
      await attach(foreign.id, { id: foreignType, consent_type: 'opt_out' }, other).expect(200);
      for (const id of ['000000000000000000000000', foreign.id]) {
        const res = await detach(id, newsletters);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual([USER_NOT_FOUND]);
      }
      const contact = await create({ email: 'detach-unknown@example.com' });
      for (const id of [foreignType, '99999999', 'abc']) {
        const res = await detach(contact.id, id);
        expect(res.status, id).toBe(404);
        expect(res.body.errors).toEqual([RESOURCE_NOT_FOUND]);
      }
      expect((await events(foreign.id)).map((e) => e.event_type)).toEqual(['ContactCreated', 'SubscriptionConsentSet']);
    });
  });

  describe('GET /contacts/{id}/subscriptions', () => {
    it('lists only explicit choices, opt-outs first, each with the contact consent', async () => {
      const contact = await create({ email: 'list-subs@example.com' });
      expect((await api().get(`/contacts/${contact.id}/subscriptions`).set(auth()).expect(200)).body).toEqual({ type: 'list', data: [] });
      await attach(contact.id, { id: sms, consent_type: 'opt_in' }).expect(200);
      await attach(contact.id, { id: newsletters, consent_type: 'opt_out' }).expect(200);
      const res = await api().get(`/contacts/${contact.id}/subscriptions`).set(auth()).expect(200);
      expect(res.body).toEqual({ type: 'list', data: [subscription(newsletters, 'opt_out'), smsSubscription('opt_in')] });
      const read = await api().get(`/contacts/${contact.id}`).set(auth()).expect(200);
      expect(read.body.opted_in_subscription_types).toEqual(refs(contact.id, [sms]));
      expect(read.body.opted_out_subscription_types).toEqual(refs(contact.id, [newsletters]));
    });

    it('moves the choices of a merged lead to the user', async () => {
      const lead = await create({ role: 'lead' });
      const user = await create({ email: 'merge-subs@example.com' });
      await attach(lead.id, { id: sms, consent_type: 'opt_in' }).expect(200);
      await api().post('/contacts/merge').set(auth()).send({ from: lead.id, into: user.id }).expect(200);
      const res = await api().get(`/contacts/${user.id}/subscriptions`).set(auth()).expect(200);
      expect(res.body.data).toEqual([smsSubscription('opt_in')]);
      expect((await api().get(`/contacts/${lead.id}/subscriptions`).set(auth())).status).toBe(404);
    });

    it('answers 404 User Not Found for a missing or foreign contact', async () => {
      const foreign = await create({ email: 'foreign-list-subs@example.com' }, other);
      for (const id of ['000000000000000000000000', foreign.id]) {
        const res = await api().get(`/contacts/${id}/subscriptions`).set(auth());
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual([USER_NOT_FOUND]);
      }
    });
  });

  it('answers 401 without a valid token', async () => {
    const contact = await create({ email: 'subs-401@example.com' });
    const calls = [
      api().get('/subscription_types'),
      api().get(`/contacts/${contact.id}/subscriptions`),
      api().post(`/contacts/${contact.id}/subscriptions`).send({ id: newsletters, consent_type: 'opt_in' }),
      api().delete(`/contacts/${contact.id}/subscriptions/${newsletters}`).set({ Authorization: 'Bearer nope' }),
    ];
    for (const call of calls) {
      const res = await call;
      expect(res.status).toBe(401);
      expect(res.body.errors).toEqual([{ code: 'unauthorized', message: 'Access Token Invalid' }]);
    }
    expect(await events(contact.id)).toHaveLength(1);
  });
});
