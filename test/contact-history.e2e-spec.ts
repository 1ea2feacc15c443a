import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit history and as_of', () => {
  let t: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const api = () => request(t.baseUrl);

  beforeAll(async () => {
    t = await startTestApp();
    token = (await t.newWorkspace()).access_token;
    await api().post('/data_attributes').set(auth()).send({ name: 'step', model: 'contact', data_type: 'integer' }).expect(200);
  });
  afterAll(() => t?.close());

  it('lists every change of a contact changed many times, oldest first, in cursor pages', async () => {
    const contact = (await api().post('/contacts').set(auth()).send({ email: 'audit@example.com', name: 'v0' }).expect(200)).body;
    for (let i = 1; i <= 24; i++) {
      await api().put(`/contacts/${contact.id}`).set(auth()).send({ name: `v${i}`, custom_attributes: { step: i } }).expect(200);
    }
    await api().post(`/contacts/${contact.id}/archive`).set(auth()).expect(200);
    const items: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await api().get(`/contacts/${contact.id}/history`).query({ per_page: 10, ...(cursor ? { starting_after: cursor } : {}) }).set(auth());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'list', total_count: 26, pages: { type: 'pages', per_page: 10, total_pages: 3, page: pages + 1 } });
      items.push(...res.body.data);
      cursor = res.body.pages.next?.starting_after;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(items.map((i) => i.version)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(items[0]).toMatchObject({ type: 'contact_change', event_type: 'ContactCreated', changes: { email: { from: null, to: 'audit@example.com' }, name: { from: null, to: 'v0' } } });
    expect(items[5]).toEqual({
      type: 'contact_change',
      id: expect.stringMatching(UUID),
      version: 6,
      event_type: 'ContactUpdated',
      occurred_at: expect.any(Number),
      actor: { type: 'access_token', id: expect.any(String) },
      request_id: expect.stringMatching(UUID),
      changes: { name: { from: 'v4', to: 'v5' }, 'custom_attributes.step': { from: 4, to: 5 } },
    });
    expect(items[25]).toMatchObject({ event_type: 'ContactArchived', changes: { archived: { from: false, to: true } } });
    const ids = (await t.pool.query('SELECT event_id FROM es_events WHERE stream_id = $1 ORDER BY stream_position', [contact.id])).rows.map((r) => r.event_id);
    expect(items.map((i) => i.id)).toEqual(ids);
  });

  it('answers 404 for an unknown or foreign contact and 400 for a bad cursor or page size', async () => {
    expect((await api().get('/contacts/650cbc286d0a728750658b15/history').set(auth())).status).toBe(404);
    const other = await t.newWorkspace('other');
    const theirs = (await api().post('/contacts').set({ Authorization: `Bearer ${other.access_token}` }).send({ role: 'lead' })).body;
    expect((await api().get(`/contacts/${theirs.id}/history`).set(auth())).status).toBe(404);
    const mine = (await api().post('/contacts').set(auth()).send({ role: 'lead' })).body;
    expect((await api().get(`/contacts/${mine.id}/history?starting_after=bogus`).set(auth())).status).toBe(400);
    expect((await api().get(`/contacts/${mine.id}/history?per_page=151`).set(auth())).status).toBe(400);
  });

  it('folds the contact as it was at a given second', async () => {
    const contact = (await api().post('/contacts').set(auth()).send({ email: 'then@example.com', name: 'first' }).expect(200)).body;
    await sleep(1100);
    const second = (await api().put(`/contacts/${contact.id}`).set(auth()).send({ name: 'second', custom_attributes: { step: 2 } }).expect(200)).body;
    await sleep(1100);
    const third = (await api().put(`/contacts/${contact.id}`).set(auth()).send({ name: 'third', custom_attributes: { step: null } }).expect(200)).body;

    const at = async (asOf: number) => api().get(`/contacts/${contact.id}?as_of=${asOf}`).set(auth());
    expect((await at(contact.created_at - 1)).status).toBe(404);
    const first = (await at(contact.created_at)).body;
    expect(first).toEqual(contact);
    expect((await at(second.updated_at)).body).toEqual(second);
    expect((await at(third.updated_at)).body).toEqual(third);
    expect((await at(third.updated_at + 1000)).body).toEqual(third);
    expect((await api().get(`/contacts/${contact.id}?as_of=yesterday`).set(auth())).status).toBe(400);

    await api().delete(`/contacts/${contact.id}`).set(auth()).expect(200);
    expect((await at(second.updated_at)).body.name).toBe('second');
    expect((await at(Math.floor(Date.now() / 1000) + 5)).status).toBe(404);
  });
});
