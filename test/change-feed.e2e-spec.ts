import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorkspace } from '@app/workspaces';
import { type Client, api } from './support/api.js';
import { workspaceEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('GET /changes, the change feed', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let me: Client;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace();
    me = api(t).as(ws);
  });
  afterAll(() => t?.close());

  it('sees every event exactly once, in per-contact order, while writes go on', async () => {
    const other = await t.newWorkspace('other');
    const contacts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => me.contacts.create({ email: `feed${i}@example.com` }).then((r) => r.body.id as string)),
    );
    let writing = true;
    const writes = (async () => {
      await Promise.all(
        contacts.map(async (id) => {
          for (let n = 0; n < 15; n++) await me.contacts.update(id, { name: `n${n}` }).expect(200);
        }),
      );
      await api(t).as(other).contacts.create({ role: 'lead' }).expect(200);
      writing = false;
    })();

    const seen: { id: string; contact_id: string; version: number }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const res = await me.changes({ limit: 7, wait: 1, ...(cursor ? { after: cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('list');
      seen.push(...res.body.data);
      cursor = res.body.next_cursor;
      if (!writing && res.body.data.length === 0) break;
    }
    await writes;

    const stored = (await workspaceEvents(t, ws.workspace_id)).map((e) => e.event_id);
    expect(stored).toHaveLength(8 * 16);
    expect(seen.map((e) => e.id).sort()).toEqual([...stored].sort());
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    for (const id of contacts) {
      expect(seen.filter((e) => e.contact_id === id).map((e) => e.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    }
  });

  it('answers the envelope and holds a waiting request until an event arrives', async () => {
    const start = await me.ok.changes({ limit: 1000 });
    const tail = start.next_cursor;
    const waiting = me.changes({ after: tail, wait: 10 });
    const pending = waiting.then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const created = await me.ok.contacts.create({ role: 'lead', name: 'late' });
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
    const empty = await me.ok.changes({ after: res.body.next_cursor });
    expect(empty).toEqual({ type: 'list', data: [], next_cursor: res.body.next_cursor });
  });

  it('refuses a bad cursor, limit or wait, and needs a token', async () => {
    expect((await me.get('/changes?after=nope')).status).toBe(400);
    // /events is Intercom's data events now: without type=user it is a 400 there, never this feed.
    expect((await me.get('/events?after=')).body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'type' });
    expect((await me.get('/changes?limit=0')).status).toBe(400);
    expect((await me.get('/changes?wait=31')).status).toBe(400);
    expect((await api(t).as(null).changes()).status).toBe(401);
  });
});
