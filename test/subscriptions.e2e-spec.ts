import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorkspace } from '@app/workspaces';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { eventTypes, storedEvents } from './support/stored-events.js';
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
  /** The API as `ws`, and as `other`. */
  let me: Client;
  let them: Client;
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
    me = api(t).as(ws);
    them = api(t).as(other);
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
      const res = await me.subscriptions.types();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'list', data: [subscription(newsletters, 'opt_out'), smsSubscription('opt_in')] });
      expect(Object.keys(res.body.data[0])).toEqual(SUBSCRIPTION_KEYS);
      const theirs = await them.ok.subscriptions.types();
      expect(theirs.data.map((s: { id: string }) => s.id)).toEqual([foreignType]);
    });
  });

  describe('POST /contacts/{id}/subscriptions', () => {
    it('records SubscriptionConsentSet and answers the type with the contact consent; the contact shows it', async () => {
      const contact = await me.ok.contacts.create({ email: 'opt-in@example.com' });
      const res = await me.subscriptions.attach(contact.id, { id: newsletters, consent_type: 'opt_in' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual(subscription(newsletters, 'opt_in'));
      expect(Object.keys(res.body)).toEqual(SUBSCRIPTION_KEYS);
      const log = await storedEvents(t, contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'SubscriptionConsentSet']);
      expect(log[1].data).toEqual({ subscription_type_id: newsletters, consent_type: 'opt_in', occurred_at: expect.any(Number) });
      expect(log[1].metadata.request_id).toMatch(UUID);

      const read = await me.ok.contacts.get(contact.id);
      expect(read.opted_in_subscription_types).toEqual(refs(contact.id, [newsletters]));
      expect(read.opted_out_subscription_types).toEqual(refs(contact.id, []));
      const listed = await me.ok.subscriptions.of(contact.id);
      expect(listed).toEqual({ type: 'list', data: [subscription(newsletters, 'opt_in')] });
    });

    it('switches an opt-in to an opt-out, records nothing for a repeat, and takes a numeric id', async () => {
      const contact = await me.ok.contacts.create({ email: 'switch@example.com' });
      await me.subscriptions.attach(contact.id, { id: newsletters, consent_type: 'opt_in' }).expect(200);
      const out = await me.subscriptions.attach(contact.id, { id: Number(newsletters), consent_type: 'opt_out' });
      expect(out.status).toBe(200);
      expect(out.body).toEqual(subscription(newsletters, 'opt_out'));
      const again = await me.subscriptions.attach(contact.id, { id: newsletters, consent_type: 'opt_out' });
      expect(again.body).toEqual(subscription(newsletters, 'opt_out'));
      const log = await storedEvents(t, contact.id);
      expect(log.map((e) => [e.event_type, e.data.consent_type])).toEqual([
        ['ContactCreated', undefined],
        ['SubscriptionConsentSet', 'opt_in'],
        ['SubscriptionConsentSet', 'opt_out'],
      ]);
      const read = await me.ok.contacts.get(contact.id);
      expect(read.opted_in_subscription_types).toEqual(refs(contact.id, []));
      expect(read.opted_out_subscription_types).toEqual(refs(contact.id, [newsletters]));
    });

    it('answers 400 parameter_invalid when id or consent_type is missing or malformed', async () => {
      const contact = await me.ok.contacts.create({ email: 'bad-sub@example.com' });
      const bad: [object, string][] = [
        [{ consent_type: 'opt_in' }, 'id'],
        [{ id: '', consent_type: 'opt_in' }, 'id'],
        [{ id: true, consent_type: 'opt_in' }, 'id'],
        [{ id: newsletters }, 'consent_type'],
        [{ id: newsletters, consent_type: 'maybe' }, 'consent_type'],
        [{ id: newsletters, consent_type: null }, 'consent_type'],
      ];
      for (const [body, field] of bad) {
        const res = await me.subscriptions.attach(contact.id, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field });
      }
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
    });

    it('answers 404 User Not Found for a missing or foreign contact, and Resource Not Found for a type not in the workspace', async () => {
      const foreign = await them.ok.contacts.create({ email: 'foreign-sub@example.com' });
      for (const id of ['000000000000000000000000', foreign.id]) {
        const res = await me.subscriptions.attach(id, { id: newsletters, consent_type: 'opt_in' });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [USER_NOT_FOUND] });
      }
      const contact = await me.ok.contacts.create({ email: 'unknown-type@example.com' });
      for (const id of [foreignType, '99999999', 'invalid_id', '1.5']) {
        const res = await me.subscriptions.attach(contact.id, { id, consent_type: 'opt_in' });
        expect(res.status, id).toBe(404);
        expect(res.body.errors).toEqual([RESOURCE_NOT_FOUND]);
      }
      // A missing contact is reported before a missing type.
      expect((await me.subscriptions.attach('000000000000000000000000', { id: 'invalid_id', consent_type: 'opt_in' })).body.errors).toEqual([USER_NOT_FOUND]);
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
      expect(await eventTypes(t, foreign.id)).toEqual(['ContactCreated']);
    });
  });

  describe('DELETE /contacts/{id}/subscriptions/{subscription_id}', () => {
    it('records SubscriptionConsentRemoved, answers the removed consent, and the contact forgets it', async () => {
      const contact = await me.ok.contacts.create({ email: 'detach@example.com' });
      await me.subscriptions.attach(contact.id, { id: sms, consent_type: 'opt_out' }).expect(200);
      const res = await me.subscriptions.detach(contact.id, sms);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(smsSubscription('opt_out'));
      const log = await storedEvents(t, contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'SubscriptionConsentSet', 'SubscriptionConsentRemoved']);
      expect(log[2].data).toEqual({ subscription_type_id: sms, occurred_at: expect.any(Number) });
      const read = await me.ok.contacts.get(contact.id);
      expect(read.opted_in_subscription_types).toEqual(refs(contact.id, []));
      expect(read.opted_out_subscription_types).toEqual(refs(contact.id, []));
      expect(await me.ok.subscriptions.of(contact.id)).toEqual({ type: 'list', data: [] });

      // Nothing left to remove: no event, and the answer carries the type's own default.
      const again = await me.subscriptions.detach(contact.id, sms);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(smsSubscription('opt_in'));
      expect(await storedEvents(t, contact.id)).toHaveLength(3);
    });

    it('answers 404 for a missing or foreign contact and for a type not in the workspace', async () => {
      const foreign = await them.ok.contacts.create({ email: 'foreign-detach@example.com' });
      await them.subscriptions.attach(foreign.id, { id: foreignType, consent_type: 'opt_out' }).expect(200);
      for (const id of ['000000000000000000000000', foreign.id]) {
        const res = await me.subscriptions.detach(id, newsletters);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual([USER_NOT_FOUND]);
      }
      const contact = await me.ok.contacts.create({ email: 'detach-unknown@example.com' });
      for (const id of [foreignType, '99999999', 'abc']) {
        const res = await me.subscriptions.detach(contact.id, id);
        expect(res.status, id).toBe(404);
        expect(res.body.errors).toEqual([RESOURCE_NOT_FOUND]);
      }
      expect(await eventTypes(t, foreign.id)).toEqual(['ContactCreated', 'SubscriptionConsentSet']);
    });
  });

  describe('GET /contacts/{id}/subscriptions', () => {
    it('lists only explicit choices, opt-outs first, each with the contact consent', async () => {
      const contact = await me.ok.contacts.create({ email: 'list-subs@example.com' });
      expect(await me.ok.subscriptions.of(contact.id)).toEqual({ type: 'list', data: [] });
      await me.subscriptions.attach(contact.id, { id: sms, consent_type: 'opt_in' }).expect(200);
      await me.subscriptions.attach(contact.id, { id: newsletters, consent_type: 'opt_out' }).expect(200);
      const list = await me.ok.subscriptions.of(contact.id);
      expect(list).toEqual({ type: 'list', data: [subscription(newsletters, 'opt_out'), smsSubscription('opt_in')] });
      const read = await me.ok.contacts.get(contact.id);
      expect(read.opted_in_subscription_types).toEqual(refs(contact.id, [sms]));
      expect(read.opted_out_subscription_types).toEqual(refs(contact.id, [newsletters]));
    });

    it('moves the choices of a merged lead to the user', async () => {
      const lead = await me.ok.contacts.create({ role: 'lead' });
      const user = await me.ok.contacts.create({ email: 'merge-subs@example.com' });
      await me.subscriptions.attach(lead.id, { id: sms, consent_type: 'opt_in' }).expect(200);
      await me.contacts.merge({ from: lead.id, into: user.id }).expect(200);
      const list = await me.ok.subscriptions.of(user.id);
      expect(list.data).toEqual([smsSubscription('opt_in')]);
      expect((await me.subscriptions.of(lead.id)).status).toBe(404);
    });

    it('answers 404 User Not Found for a missing or foreign contact', async () => {
      const foreign = await them.ok.contacts.create({ email: 'foreign-list-subs@example.com' });
      for (const id of ['000000000000000000000000', foreign.id]) {
        const res = await me.subscriptions.of(id);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual([USER_NOT_FOUND]);
      }
    });
  });

  it('answers 401 without a valid token', async () => {
    const contact = await me.ok.contacts.create({ email: 'subs-401@example.com' });
    const nobody = api(t).as(null);
    const calls = [
      nobody.subscriptions.types(),
      nobody.subscriptions.of(contact.id),
      nobody.subscriptions.attach(contact.id, { id: newsletters, consent_type: 'opt_in' }),
      api(t).as('nope').subscriptions.detach(contact.id, newsletters),
    ];
    for (const call of calls) {
      const res = await call;
      expect(res.status).toBe(401);
      expect(res.body.errors).toEqual([{ code: 'unauthorized', message: 'Access Token Invalid' }]);
    }
    expect(await storedEvents(t, contact.id)).toHaveLength(1);
  });
});
