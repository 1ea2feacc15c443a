import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './support/api.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('concurrent updates of one contact', () => {
  let a: TestApp;
  let b: TestApp;
  let token: string;
  /** The API of one replica, with the workspace's token. */
  const on = (app: TestApp) => api(app).as(token);

  beforeAll(async () => {
    // Two app instances on one database stand for two replicas: their writers do not share a queue.
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    token = (await a.newWorkspace()).access_token;
    for (let i = 0; i < 50; i++) await on(a).ok.dataAttributes.define(`attr_${i}`, 'integer');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const positions = async (id: string) => (await storedEvents(a, id)).map((e) => e.stream_position);

  it('50 parallel PUTs, each setting its own custom attribute: all 200, none lost, positions 1..51', async () => {
    const contact = await on(a).ok.contacts.create({ email: 'race@example.com' });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => on(a).contacts.update(contact.id, { custom_attributes: { [`attr_${i}`]: i } })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const final = await on(a).ok.contacts.get(contact.id);
    expect(final.custom_attributes).toEqual(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`attr_${i}`, i])));
    expect(await positions(contact.id)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  it('writers in two processes conflict, retry from a fresh load, and lose nothing', async () => {
    const contact = await on(a).ok.contacts.create({ email: 'race2@example.com' });
    const conflictsBefore = await conflictCount(a.baseUrl);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => on(i % 2 ? a : b).contacts.update(contact.id, { custom_attributes: { [`attr_${i}`]: i } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    const final = await on(b).ok.contacts.get(contact.id);
    expect(Object.keys(final.custom_attributes)).toHaveLength(40);
    expect(await positions(contact.id)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    // Both apps share one metrics registry in this process, so the counter covers both.
    expect(await conflictCount(a.baseUrl)).toBeGreaterThan(conflictsBefore);
  });
});

describe('a replica that remembers a contact another replica changed', () => {
  let a: TestApp;
  let b: TestApp;
  let token: string;
  const on = (app: TestApp) => api(app).as(token);
  const put = (app: TestApp, id: string, body: object) => on(app).contacts.update(id, body);

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    token = (await a.newWorkspace()).access_token;
    await on(a).ok.dataAttributes.define('plan', 'string');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('never answers or writes from a stale memory: the expected version sends it back to the database', async () => {
    const contact = await on(a).ok.contacts.create({ email: 'stale@example.com', name: 'X' });
    await put(a, contact.id, { phone: '+1 1', custom_attributes: { plan: 'free' } }).expect(200); // a now remembers name X
    await put(b, contact.id, { name: 'Y' }).expect(200);
    // From memory this looks like a no-op (name is X there); the database says Y, so it is a change.
    const back = await put(a, contact.id, { name: 'X' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ name: 'X', phone: '+1 1' });
    await put(b, contact.id, { phone: '+2 2' }).expect(200);
    // From memory this is a change with a stale version: the append is refused and redone from a fresh load.
    const merged = await put(a, contact.id, { custom_attributes: { plan: 'pro' } });
    expect(merged.body).toMatchObject({ name: 'X', phone: '+2 2', custom_attributes: { plan: 'pro' } });
    const log = await storedEvents(a, contact.id);
    expect(log.map((e) => e.stream_position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log[3].data.changes).toEqual({ name: { from: 'Y', to: 'X' } });
    expect((await on(b).contacts.get(contact.id)).body).toEqual(merged.body);
  });

  it('accepts a data attribute that another replica defined a moment ago', async () => {
    const contact = await on(a).ok.contacts.create({ role: 'lead', custom_attributes: { plan: 'free' } });
    await put(a, contact.id, { custom_attributes: { plan: 'starter' } }).expect(200); // a remembers the attribute types
    await on(b).ok.dataAttributes.define('seats', 'integer');
    const res = await put(a, contact.id, { custom_attributes: { seats: 5 } });
    expect(res.status).toBe(200);
    expect(res.body.custom_attributes).toEqual({ plan: 'starter', seats: 5 });
  });

  it('searches a data attribute that another replica defined a moment ago', async () => {
    const search = (app: TestApp, field: string) => on(app).post('/contacts/search', { query: { field, operator: '=', value: 'pro' } });
    await search(a, 'custom_attributes.plan').expect(200); // a remembers the workspace's attributes
    await on(b).ok.dataAttributes.define('tier', 'string');
    const contact = await on(b).ok.contacts.create({ email: 'tier@example.com', custom_attributes: { tier: 'pro' } });
    const res = await search(a, 'custom_attributes.tier');
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    expect((await search(a, 'custom_attributes.nope')).body.errors[0].code).toBe('parameter_invalid');
  });

  it('searches on the attributes it remembers: one archived a moment ago on another replica stays searchable, as writable', async () => {
    const search = (app: TestApp) => on(app).post('/contacts/search', { query: { field: 'custom_attributes.band', operator: '=', value: 'gold' } });
    const attribute = await on(b).ok.dataAttributes.define('band', 'string');
    await search(a).expect(200); // a remembers band
    await on(b).ok.put(`/data_attributes/${attribute.id}`, { archived: true });
    await search(a).expect(200);
    expect((await search(b)).body.errors[0].code).toBe('parameter_invalid');
  });
});

async function conflictCount(baseUrl: string): Promise<number> {
  const text = (await api(baseUrl).as(null).get('/metrics')).text;
  return Number(/^stream_version_conflicts_total (\d+)/m.exec(text)?.[1] ?? 0);
}
