import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('GET /events, the change feed', () => {
  let t: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  const api = () => request(t.baseUrl);

  beforeAll(async () => {
    t = await startTestApp();
    token = (await t.newWorkspace()).access_token;
  });
  afterAll(() => t?.close());

  it('sees every event exactly once, in per-contact order, while writes go on', async () => {
    const other = await t.newWorkspace('other');
    const contacts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api().post('/contacts').set(auth()).send({ email: `feed${i}@example.com` }).then((r) => r.body.id as string)),
    );
    let writing = true;
    const writes = (async () => {
      await Promise.all(
        contacts.map(async (id) => {
          for (let n = 0; n < 15; n++) await api().put(`/contacts/${id}`).set(auth()).send({ name: `n${n}` }).expect(200);
        }),
      );
      await api().post('/contacts').set({ Authorization: `Bearer ${other.access_token}` }).send({ role: 'lead' }).expect(200);
      writing = false;
    })();

    const seen: { id: string; contact_id: string; version: number }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await api().get('/events').query({ limit: 7, wait: 1, ...(cursor ? { after: cursor } : {}) }).set(auth());
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('list');
      seen.push(...res.body.data);
      cursor = res.body.next_cursor;
      if (!writing && res.body.data.length === 0) break;
    }
    await writes;

    const stored = (await t.pool.query(
      `SELECT event_id FROM es_events e JOIN access_tokens a ON a.workspace_id = e.workspace_id WHERE a.token_hash = encode(sha256($1::bytea), 'hex')`,
      [token],
    )).rows.map((r) => r.event_id);
    expect(stored).toHaveLength(8 * 16);
    expect(seen.map((e) => e.id).sort()).toEqual([...stored].sort());
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    for (const id of contacts) {
      expect(seen.filter((e) => e.contact_id === id).map((e) => e.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    }
  });

  it('answers the envelope and holds a waiting request until an event arrives', async () => {
    const start = await api().get('/events').query({ limit: 1000 }).set(auth()).expect(200);
    const tail = start.body.next_cursor;
    const waiting = api().get('/events').query({ after: tail, wait: 10 }).set(auth());
    const pending = waiting.then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const created = (await api().post('/contacts').set(auth()).send({ role: 'lead', name: 'late' }).expect(200)).body;
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      {
        id: expect.any(String),
        event_type: 'ContactCreated',
        contact_id: created.id,
        version: 1,
        occurred_at: created.created_at,
        data: expect.objectContaining({ contact_id: created.id, name: 'late', role: 'lead' }),
      },
    ]);
    expect(res.body.next_cursor).not.toBe(tail);
    const empty = await api().get('/events').query({ after: res.body.next_cursor }).set(auth()).expect(200);
    expect(empty.body).toEqual({ type: 'list', data: [], next_cursor: res.body.next_cursor });
  });

  it('refuses a bad cursor, limit or wait, and needs a token', async () => {
    expect((await api().get('/events?after=nope').set(auth())).status).toBe(400);
    expect((await api().get('/events?limit=0').set(auth())).status).toBe(400);
    expect((await api().get('/events?wait=31').set(auth())).status).toBe(400);
    expect((await api().get('/events')).status).toBe(401);
  });
});
