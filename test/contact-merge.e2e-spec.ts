import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('POST /contacts/merge moves every kind of data', () => {
  let t: TestApp;
  let token: string;
  let adminId: number;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const api = () => request(t.baseUrl);
  const ok = async (req: request.Test) => {
    const res = await req;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace();
    token = ws.access_token;
    adminId = ws.admin.id;
  });
  afterAll(() => t?.close());

  it('tags, notes, companies and subscriptions of the lead end up on the user; the lead is gone from every read', async () => {
    const lead = await ok(api().post('/contacts').set(auth()).send({ role: 'lead', email: 'lead@example.com' }));
    const user = await ok(api().post('/contacts').set(auth()).send({ email: 'user@example.com' }));
    const [vip, shared] = [await ok(api().post('/tags').set(auth()).send({ name: 'VIP' })), await ok(api().post('/tags').set(auth()).send({ name: 'Shared' }))];
    await ok(api().post(`/contacts/${lead.id}/tags`).set(auth()).send({ id: vip.id }));
    await ok(api().post(`/contacts/${lead.id}/tags`).set(auth()).send({ id: shared.id }));
    await ok(api().post(`/contacts/${user.id}/tags`).set(auth()).send({ id: shared.id }));
    const note = await ok(api().post(`/contacts/${lead.id}/notes`).set(auth()).send({ body: 'met at the fair', admin_id: String(adminId) }));
    const company = await ok(api().post('/companies').set(auth()).send({ company_id: 'acme-1', name: 'Acme' }));
    await ok(api().post(`/contacts/${lead.id}/companies`).set(auth()).send({ id: company.id }));
    const [newsletter] = (await ok(api().get('/subscription_types').set(auth()))).data;
    await ok(api().post(`/contacts/${lead.id}/subscriptions`).set(auth()).send({ id: newsletter.id, consent_type: 'opt_in' }));

    const merged = await ok(api().post('/contacts/merge').set(auth()).send({ from: lead.id, into: user.id }));
    expect(merged.id).toBe(user.id);
    expect(merged.tags).toMatchObject({ total_count: 2, data: [{ id: shared.id }, { id: vip.id }] });
    expect(merged.notes).toMatchObject({ total_count: 1, data: [{ id: note.id }] });
    expect(merged.companies).toMatchObject({ total_count: 1, data: [{ id: company.id }] });
    expect(merged.opted_in_subscription_types).toMatchObject({ total_count: 1, data: [{ id: newsletter.id }] });

    const tags = await ok(api().get(`/contacts/${user.id}/tags`).set(auth()));
    expect(tags.data.map((tag: { name: string }) => tag.name).sort()).toEqual(['Shared', 'VIP']);
    const notes = await ok(api().get(`/contacts/${user.id}/notes`).set(auth()));
    expect(notes.data.map((n: { id: string }) => n.id)).toEqual([note.id]);
    const companies = await ok(api().get(`/contacts/${user.id}/companies`).set(auth()));
    expect(companies.data.map((c: { id: string }) => c.id)).toEqual([company.id]);
    const subscriptions = await ok(api().get(`/contacts/${user.id}/subscriptions`).set(auth()));
    expect(subscriptions.data).toMatchObject([{ id: newsletter.id, consent_type: 'opt_in' }]);

    expect((await api().get(`/contacts/${lead.id}`).set(auth())).status).toBe(404);
    expect((await api().get(`/contacts/${lead.id}/notes`).set(auth())).status).toBe(404);
    const list = await ok(api().get('/contacts').set(auth()));
    expect(list.data.map((c: { id: string }) => c.id)).toEqual([user.id]);
    const search = await ok(api().post('/contacts/search').set(auth()).send({ query: { field: 'email', operator: '~', value: 'example.com' } }));
    expect(search.data.map((c: { id: string }) => c.id)).toEqual([user.id]);

    const streams = await t.pool.query(
      `SELECT stream_id, event_type FROM es_events WHERE stream_id = ANY($1) AND event_type LIKE 'ContactMerged%' ORDER BY stream_id`,
      [[lead.id, user.id]],
    );
    expect(streams.rows).toEqual(expect.arrayContaining([{ stream_id: lead.id, event_type: 'ContactMergedInto' }, { stream_id: user.id, event_type: 'ContactMergedFrom' }]));
  });
});
