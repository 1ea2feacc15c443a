import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Headers, api } from './support/api.js';
import { UUID, shape } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const sample = (version: string) => JSON.parse(readFileSync(new URL(`./fixtures/update-contact-${version}.json`, import.meta.url), 'utf8'));

describe('PUT /contacts/{id}', () => {
  let t: TestApp;
  let me: Client;
  let token: string;
  let workspaceId: string;
  let adminId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace();
    me = api(t).as(ws);
    token = ws.access_token;
    workspaceId = ws.workspace_id;
    adminId = ws.admin.id;
    await me.ok.dataAttributes.define('plan', 'string');
    await me.ok.dataAttributes.define('seats', 'integer');
    await me.ok.dataAttributes.define('score', 'float');
    await me.ok.dataAttributes.define('vip', 'boolean');
    await me.ok.dataAttributes.define('renews_at', 'date');
  });
  afterAll(() => t?.close());

  it('answers the documented sample: 200, the full contact in Intercom order, and a ContactUpdated diff in the log', async () => {
    const contact = await me.ok.contacts.create({ external_id: '70', email: 'joe@example.com', signed_up_at: 1719492776 });
    const res = await me.contacts.update(contact.id, { email: 'joebloggs@intercom.io', name: 'joe bloggs' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const expected = sample('2.11');
    expect(Object.keys(res.body)).toEqual(Object.keys(expected));
    expect(shape(res.body)).toEqual(shape({ ...expected, id: 'x', workspace_id: 'x' }));
    expect(res.body).toMatchObject({ type: 'contact', id: contact.id, workspace_id: workspaceId, external_id: '70', role: 'user', email: 'joebloggs@intercom.io', name: 'joe bloggs' });
    expect(res.body.tags).toEqual({ type: 'list', data: [], url: `/contacts/${contact.id}/tags`, total_count: 0, has_more: false });
    const log = await storedEvents(t, contact.id);
    expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'ContactUpdated']);
    expect(log[1].data.changes).toEqual({
      email: { from: 'joe@example.com', to: 'joebloggs@intercom.io' },
      name: { from: null, to: 'joe bloggs' },
    });
    expect(log[1].metadata).toMatchObject({ actor: { type: 'access_token' }, intercom_version: null });
    expect(log[1].metadata.request_id).toMatch(UUID);
    expect(await me.ok.contacts.get(contact.id)).toEqual(res.body);
  });

  it.each(['2.14', '2.16'])('follows the shape of Intercom-Version %s', async (version) => {
    const contact = await me.ok.contacts.create({ role: 'lead', owner_id: adminId });
    const res = await me.contacts.update(contact.id, { name: 'v' }, { 'Intercom-Version': version });
    expect(res.status).toBe(200);
    const keys = Object.keys(sample(version));
    // 2.16 takes email_verified on create and update; no example shows it in the contact, which carries it after email.
    if (version === '2.16') keys.splice(keys.indexOf('email') + 1, 0, 'email_verified');
    expect(Object.keys(res.body)).toEqual(keys);
    expect(res.body.enabled_push_messaging).toBeNull();
    expect(res.body.owner_id).toBe(version === '2.16' ? String(adminId) : adminId);
  });

  it.each(['3.0', '2.17', '1.5', 'latest'])('refuses Intercom-Version %s', async (version) => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    const res = await me.contacts.update(contact.id, { name: 'v' }, { 'Intercom-Version': version });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('intercom_version_invalid');
  });

  it('answers 401 with the exact Intercom body without a token and with a wrong one', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    const wrong: Headers[] = [{}, { Authorization: 'Bearer nope' }, { Authorization: token }, { Authorization: `Basic ${token}` }];
    for (const headers of wrong) {
      const res = await api(t).as(null).contacts.update(contact.id, { name: 'x' }, headers);
      expect(res.status).toBe(401);
      expect(Object.keys(res.body)).toEqual(['type', 'request_id', 'errors']);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    }
    expect((await storedEvents(t, contact.id)).length).toBe(1);
  });

  it('answers 404 for an unknown contact and for a contact of another workspace', async () => {
    const missing = await me.contacts.update('650cbc286d0a728750658b15', { name: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.errors).toEqual([{ code: 'not_found', message: 'User Not Found' }]);
    const other = await t.newWorkspace('other');
    const theirs = await api(t).as(other).ok.contacts.create({ email: 'theirs@example.com' });
    expect((await me.contacts.update(theirs.id, { name: 'stolen' })).status).toBe(404);
    expect((await me.contacts.get(theirs.id)).status).toBe(404);
    expect((await storedEvents(t, theirs.id)).length).toBe(1);
  });

  it.each([
    ['role', 'admin'],
    ['role', null],
    ['external_id', 5],
    ['email', 5],
    ['email', 'not-an-email'],
    ['email', null],
    ['phone', 5],
    ['name', true],
    ['name', 'x'.repeat(256)],
    ['avatar', 1],
    ['signed_up_at', 'yesterday'],
    ['signed_up_at', -1],
    ['last_seen_at', 1.5],
    ['owner_id', 'abc'],
    ['owner_id', true],
    ['unsubscribed_from_emails', 'yes'],
    ['custom_attributes', []],
    ['custom_attributes', 'plan'],
    ['custom_attributes', { plan: { nested: true } }],
  ])('answers 400 parameter_invalid for %s = %j and changes nothing', async (field, value) => {
    const contact = await me.ok.contacts.create({ role: 'lead', name: 'before' });
    const res = await me.contacts.update(contact.id, { name: 'after', [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('error.list');
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field });
    expect(res.body.request_id).toMatch(UUID);
    expect((await storedEvents(t, contact.id)).length).toBe(1);
  });

  it('answers 400 for malformed JSON, a non-object body, and 413 for a body over 1 MiB', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    const bad = await me.contacts.update(contact.id, '{"name": ', { 'Content-Type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe('parameter_invalid');
    expect((await me.contacts.update(contact.id, [1, 2])).status).toBe(400);
    const big = await me.contacts.update(contact.id, { name: 'x', padding: 'y'.repeat(1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ type: 'error.list', errors: [{ code: 'request_too_large' }] });
    expect((await storedEvents(t, contact.id)).length).toBe(1);
  });

  it('answers unknown routes with a 404 error.list and never leaks internals', async () => {
    const res = await me.get('/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
    const patch = await me.patch('/contacts/abc', {});
    expect(patch.status).toBe(404);
  });

  it('answers 409 when the email (any case) or external_id belongs to another user, and lets leads share', async () => {
    const a = await me.ok.contacts.create({ email: 'taken@example.com', external_id: 'ext-a' });
    const b = await me.ok.contacts.create({ email: 'b@example.com', external_id: 'ext-b' });
    for (const body of [{ email: 'TAKEN@example.com' }, { external_id: 'ext-a' }]) {
      const res = await me.contacts.update(b.id, body);
      expect(res.status).toBe(409);
      expect(res.body.errors).toEqual([{ code: 'conflict', message: `A contact matching those details already exists with id=${a.id}` }]);
    }
    expect((await storedEvents(t, b.id)).length).toBe(1);
    const lead = await me.ok.contacts.create({ role: 'lead', email: 'lead@example.com' });
    expect((await me.contacts.update(lead.id, { email: 'taken@example.com' })).status).toBe(200);
  });

  it('refuses user -> lead with 400 client_error and allows lead -> user', async () => {
    const user = await me.ok.contacts.create({ email: 'user-role@example.com' });
    const res = await me.contacts.update(user.id, { role: 'lead' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ code: 'client_error', message: "Contact with user role can't be converted to a lead" }]);
    const lead = await me.ok.contacts.create({ role: 'lead' });
    const promoted = await me.contacts.update(lead.id, { role: 'user', email: 'promoted@example.com' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('user');
  });

  it('clears nullable fields sent as null and keeps the fields not sent', async () => {
    const contact = await me.ok.contacts.create({ email: 'nulls@example.com', phone: '+1 555 0100', name: 'N', signed_up_at: 1700000000, external_id: 'nulls' });
    const res = await me.contacts.update(contact.id, { phone: null, signed_up_at: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phone: null, signed_up_at: null, name: 'N', external_id: 'nulls', email: 'nulls@example.com' });
  });

  it('merges custom attributes per key, checks them against data attributes, and clears a key sent as null', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead', custom_attributes: { plan: 'free' } });
    expect((await me.contacts.update(contact.id, { custom_attributes: { seats: 3, vip: true } })).body.custom_attributes).toEqual({ plan: 'free', seats: 3, vip: true });
    expect((await me.contacts.update(contact.id, { custom_attributes: { plan: null, score: 2.5, renews_at: 1800000000 } })).body.custom_attributes).toEqual({
      seats: 3,
      vip: true,
      score: 2.5,
      renews_at: 1800000000,
    });
    const unknown = await me.contacts.update(contact.id, { custom_attributes: { nope: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toEqual({ code: 'parameter_invalid', message: "Custom attribute 'nope' does not exist", field: 'custom_attributes.nope' });
    const wrongType = await me.contacts.update(contact.id, { custom_attributes: { seats: 'many' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].field).toBe('custom_attributes.seats');
    expect((await storedEvents(t, contact.id)).length).toBe(3);
  });

  it('records nothing and keeps updated_at for an update that changes nothing', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead', name: 'Same', custom_attributes: { plan: 'pro' } });
    const res = await me.contacts.update(contact.id, { name: 'Same', role: 'lead', custom_attributes: { plan: 'pro' }, ignored_field: 'x' });
    expect(res.status).toBe(200);
    expect(res.body.updated_at).toBe(contact.updated_at);
    expect(res.body).toEqual(contact);
    expect((await storedEvents(t, contact.id)).length).toBe(1);
  });

  it('accepts an owner that is an admin of the workspace, and refuses one that is not', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    expect((await me.contacts.update(contact.id, { owner_id: adminId })).body.owner_id).toBe(adminId);
    const other = await t.newWorkspace('owners');
    const res = await me.contacts.update(contact.id, { owner_id: other.admin.id });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: 'The owner specified is not a member of the workspace' });
  });

  it('keeps the log append-only: the database refuses UPDATE and DELETE on es_events', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    await expect(t.pool.query(`UPDATE es_events SET data = '{}' WHERE stream_id = $1`, [contact.id])).rejects.toThrow(/append-only/);
    await expect(t.pool.query(`DELETE FROM es_events WHERE stream_id = $1`, [contact.id])).rejects.toThrow(/append-only/);
    expect((await storedEvents(t, contact.id)).length).toBe(1);
  });

  it('serves /health, /metrics and /docs without a token', async () => {
    const anonymous = api(t).as(null);
    expect((await anonymous.get('/health')).body).toEqual({ status: 'ok' });
    const metrics = await anonymous.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/http_requests_total\{method="PUT",route="\/contacts\/:id",status="200"\}/);
    expect(metrics.text).toMatch(/events_appended_total\{event_type="ContactUpdated"\}/);
    expect((await anonymous.get('/docs')).status).toBeLessThan(400);
  });
});
