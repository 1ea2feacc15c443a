import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit history and as_of', () => {
  let t: TestApp;
  let me: Client;

  beforeAll(async () => {
    t = await startTestApp();
    me = api(t).as(await t.newWorkspace());
    await me.ok.dataAttributes.define('step', 'integer');
  });
  afterAll(() => t?.close());

  it('lists every change of a contact changed many times, oldest first, in cursor pages', async () => {
    const contact = await me.ok.contacts.create({ email: 'audit@example.com', name: 'v0' });
    for (let i = 1; i <= 24; i++) {
      await me.contacts.update(contact.id, { name: `v${i}`, custom_attributes: { step: i } }).expect(200);
    }
    await me.contacts.archive(contact.id).expect(200);
    const items: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await me.contacts.history(contact.id, { per_page: 10, ...(cursor ? { starting_after: cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ type: 'list', total_count: 26, pages: { type: 'pages', per_page: 10, total_pages: 3, page: pages + 1 } });
      items.push(...res.body.data);
      cursor = res.body.pages.next?.starting_after;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(items.map((i) => i.version)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    const change = (version: number) => items.find((i) => i.version === version);
    expect(change(1)).toMatchObject({ type: 'contact_change', event_type: 'ContactCreated', changes: { email: { from: null, to: 'audit@example.com' }, name: { from: null, to: 'v0' } } });
    expect(change(6)).toEqual({
      type: 'contact_change',
      id: expect.stringMatching(UUID),
      version: 6,
      event_type: 'ContactUpdated',
      occurred_at: expect.any(Number),
      actor: { type: 'access_token', id: expect.any(String) },
      request_id: expect.stringMatching(UUID),
      changes: { name: { from: 'v4', to: 'v5' }, 'custom_attributes.step': { from: 4, to: 5 } },
    });
    expect(change(26)).toMatchObject({ event_type: 'ContactArchived', changes: { archived: { from: false, to: true } } });
    const ids = (await storedEvents(t, contact.id)).map((e) => e.event_id);
    expect(items.map((i) => i.id)).toEqual(ids);
  });

  it('answers 404 for an unknown or foreign contact and 400 for a bad cursor or page size', async () => {
    expect((await me.contacts.history('650cbc286d0a728750658b15')).status).toBe(404);
    const other = await t.newWorkspace('other');
    const theirs = await api(t).as(other).ok.contacts.create({ role: 'lead' });
    expect((await me.contacts.history(theirs.id)).status).toBe(404);
    const mine = await me.ok.contacts.create({ role: 'lead' });
    expect((await me.contacts.history(mine.id, { starting_after: 'bogus' })).status).toBe(400);
    expect((await me.contacts.history(mine.id, { per_page: 151 })).status).toBe(400);
  });

  it('folds the contact as it was at a given second', async () => {
    const contact = await me.ok.contacts.create({ email: 'then@example.com', name: 'first' });
    await sleep(1100);
    const second = await me.ok.contacts.update(contact.id, { name: 'second', custom_attributes: { step: 2 } });
    await sleep(1100);
    const third = await me.ok.contacts.update(contact.id, { name: 'third', custom_attributes: { step: null } });

    const at = async (asOf: number) => me.contacts.get(contact.id).query({ as_of: asOf });
    expect((await at(contact.created_at - 1)).status).toBe(404);
    const first = (await at(contact.created_at)).body;
    expect(first).toEqual(contact);
    expect((await at(second.updated_at)).body).toEqual(second);
    expect((await at(third.updated_at)).body).toEqual(third);
    expect((await at(third.updated_at + 1000)).body).toEqual(third);
    expect((await me.contacts.get(contact.id).query({ as_of: 'yesterday' })).status).toBe(400);

    await me.contacts.delete(contact.id).expect(200);
    expect((await at(second.updated_at)).body.name).toBe('second');
    expect((await at(Math.floor(Date.now() / 1000) + 5)).status).toBe(404);
  });
});
