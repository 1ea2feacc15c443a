import { LIMITS } from '@app/intercom';
import type { CreatedWorkspace } from '@app/workspaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Json, api } from './support/api.js';
import { storedEvents, workspaceEvents } from './support/stored-events.js';
import { type TestApp, startTestApp } from './support/test-app.js';

/** Each limit: a request at it succeeds, one just over it is the documented error, and nothing is written. */
describe('limits', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let client: Client;
  let contact: Json;
  const logSize = async () => (await workspaceEvents(t, ws.workspace_id)).length;

  /** Sends `over`, expects the error naming `field` with the limit in its message, and that the log did not grow. */
  async function refused(send: () => PromiseLike<{ status: number; body: Json }>, status: number, field: string | undefined, message: RegExp) {
    const before = await logSize();
    const res = await send();
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(status);
    expect(res.body.errors[0].code).toBe(status === 413 ? 'request_too_large' : 'parameter_invalid');
    if (field) expect(res.body.errors[0].field).toBe(field);
    expect(res.body.errors[0].message).toMatch(message);
    expect(await logSize()).toBe(before);
    return res.body;
  }

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('limits');
    client = api(t).as(ws);
    await client.ok.dataAttributes.define('plan', 'string');
    contact = await client.ok.contacts.create({ email: 'limits@example.com' });
  });
  afterAll(() => t?.close());

  it('contact strings: 255 characters (avatar 2048), one more is 400 naming the field', async () => {
    for (const [field, limit] of [['name', 255], ['phone', 255], ['external_id', 255], ['avatar', 2048]] as const) {
      await client.ok.contacts.update(contact.id, { [field]: 'x'.repeat(limit) });
      await refused(() => client.contacts.update(contact.id, { [field]: 'x'.repeat(limit + 1) }), 400, field, new RegExp(`${limit} characters`));
    }
    const email = `${'e'.repeat(64)}@${'d'.repeat(63)}.${'d'.repeat(63)}.${'d'.repeat(58)}.io`;
    // A valid address is at most 254 characters (RFC 5321), within the 255 of the field.
    expect(email).toHaveLength(254);
    await client.ok.contacts.update(contact.id, { email });
    await refused(() => client.contacts.update(contact.id, { email: `${'e'.repeat(64)}@${'d'.repeat(190)}.io` }), 400, 'email', /255 characters/);
  });

  it('custom attributes: string values of 255 characters, names of 190', async () => {
    await client.ok.contacts.update(contact.id, { custom_attributes: { plan: 'p'.repeat(255) } });
    await refused(() => client.contacts.update(contact.id, { custom_attributes: { plan: 'p'.repeat(256) } }), 400, 'custom_attributes', /plan can be at most 255 characters, got 256/);
    const long = 'n'.repeat(190);
    await client.ok.dataAttributes.define(long, 'string');
    await client.ok.contacts.update(contact.id, { custom_attributes: { [long]: 'v' } });
    const body = await refused(() => client.contacts.update(contact.id, { custom_attributes: { [`${long}n`]: 'v' } }), 400, 'custom_attributes', /a name can be at most 190 characters, got 191/);
    expect(JSON.stringify(body)).not.toContain(long);
  });

  it('custom attributes on a contact: 250, counted after the update', async () => {
    const other = await t.newWorkspace('many-attributes');
    const c = api(t).as(other);
    for (let i = 0; i < LIMITS.dataAttributesPerModel; i++) await c.ok.dataAttributes.define(`a${i}`, 'string');
    const all = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`a${i}`, 'x']));
    const full = await c.ok.contacts.create({ email: 'full@example.com', custom_attributes: all });
    expect(Object.keys(full.custom_attributes)).toHaveLength(250);
    // The 251st data attribute cannot be defined; archive one, define another, and the contact still holds 250.
    const res = await c.dataAttributes.define('a250', 'string');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'name', message: expect.stringMatching(/at most 250 active contact data attributes/) });
    const list = await c.ok.get('/data_attributes?model=contact');
    const a0 = list.data.find((a: Json) => a.name === 'a0');
    await c.ok.put(`/data_attributes/${a0.id}`, { archived: true });
    await c.ok.dataAttributes.define('a250', 'string');
    const before = (await storedEvents(t, full.id)).length;
    const over = await c.contacts.update(full.id, { custom_attributes: { a250: 'x' } });
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'custom_attributes', message: expect.stringMatching(/at most 250 custom attributes; this change would leave it with 251/) });
    expect((await storedEvents(t, full.id)).length).toBe(before);
    // Clearing one in the same update makes room.
    await c.ok.contacts.update(full.id, { custom_attributes: { a0: null, a250: 'x' } });
    // Unarchiving a0 would make 251 active attributes.
    const unarchive = await c.put(`/data_attributes/${a0.id}`, { archived: false });
    expect(unarchive.status).toBe(400);
    expect(unarchive.body.errors[0].message).toMatch(/at most 250/);
  });

  it('note bodies: 64 KiB as stored, after HTML escaping', async () => {
    const before = await client.ok.notes.of(contact.id);
    // '"' becomes '&quot;': 6 bytes stored for 1 sent. <p></p> takes 7.
    const atLimit = '"'.repeat((LIMITS.noteBytes - 7) / 6) + 'x'.repeat((LIMITS.noteBytes - 7) % 6);
    const note = await client.ok.notes.add(contact.id, { body: atLimit });
    expect(Buffer.byteLength(note.body)).toBe(LIMITS.noteBytes);
    await refused(() => client.notes.add(contact.id, { body: `${atLimit}x` }), 400, 'body', /65536 bytes once escaped/);
    await refused(() => client.notes.add(contact.id, { body: '"'.repeat(20_000) }), 400, 'body', /65536 bytes/);
    expect((await client.ok.notes.of(contact.id)).total_count).toBe(before.total_count + 1);
  });

  it('tag names: 190 characters', async () => {
    await client.ok.tags.save({ name: 't'.repeat(190) });
    const res = await client.tags.save({ name: 't'.repeat(191) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'name', message: expect.stringMatching(/190 characters/) });
    expect((await client.ok.tags.list()).data.filter((tag: Json) => tag.name.startsWith('ttt'))).toHaveLength(1);
  });

  it('company fields: 255 characters (website 2048), 250 custom attributes after the merge', async () => {
    const saved = async (body: Json) => client.ok.companies.save({ company_id: 'acme', ...body });
    for (const [field, limit] of [['company_id', 255], ['name', 255], ['plan', 255], ['industry', 255], ['website', 2048]] as const) {
      await client.ok.companies.save({ company_id: 'acme', [field]: 'x'.repeat(limit) });
      const res = await client.companies.save({ company_id: 'acme', [field]: 'x'.repeat(limit + 1) });
      expect(res.status, field).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field, message: expect.stringMatching(new RegExp(`${limit} characters`)) });
    }
    const attrs = (from: number, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${from + i}`, 'v']));
    await saved({ custom_attributes: attrs(0, 250) });
    const res = await client.companies.save({ company_id: 'acme', custom_attributes: attrs(250, 1) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'custom_attributes', message: expect.stringMatching(/at most 250 custom attributes/) });
    const tooMany = await client.companies.save({ company_id: 'other', custom_attributes: attrs(0, 251) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].message).toMatch(/at most 250 attributes, got 251/);
    const value = await client.companies.save({ company_id: 'acme', custom_attributes: { k0: 'v'.repeat(256) } });
    expect(value.body.errors[0].message).toMatch(/k0 can be at most 255 characters/);
    const acme = await saved({});
    expect(Object.keys(acme.custom_attributes)).toHaveLength(250);
    expect(acme.custom_attributes.k0).toBe('v');
  });

  it('search: 2048-character values, 255-character patterns, 1000 IN values; a 1 MB pattern and a 100,000-value list are 400 at once', async () => {
    const search = (query: object) => client.contacts.search({ query });
    expect((await search({ field: 'name', operator: '~', value: 'x'.repeat(255) })).status).toBe(200);
    expect((await search({ field: 'avatar', operator: '=', value: 'x'.repeat(2048) })).status).toBe(200);
    expect((await search({ field: 'external_id', operator: 'IN', value: Array.from({ length: 1000 }, String) })).status).toBe(200);
    await refused(() => search({ field: 'name', operator: '~', value: 'x'.repeat(256) }), 400, 'query', /at most 255 characters, got 256/);
    await refused(() => search({ field: 'avatar', operator: '=', value: 'x'.repeat(2049) }), 400, 'query', /at most 2048 characters/);
    await refused(() => search({ field: 'external_id', operator: 'IN', value: Array.from({ length: 1001 }, String) }), 400, 'query', /at most 1000 values/);
    const started = Date.now();
    await refused(() => search({ field: 'email', operator: '~', value: 'x'.repeat(1_000_000) }), 400, 'query', /got 1000000/);
    await refused(() => search({ field: 'email', operator: 'IN', value: Array.from({ length: 100_000 }, () => 1) }), 400, 'query', /got 100000/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('page sizes: 150', async () => {
    expect((await client.contacts.list({ per_page: 150 })).status).toBe(200);
    const res = await client.contacts.list({ per_page: 151 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'per_page', message: expect.stringMatching(/150/) });
    const search = await client.contacts.search({ query: { field: 'name', operator: '=', value: 'x' }, pagination: { per_page: 151 } });
    expect(search.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'pagination.per_page' });
  });

  it('webhook subscriptions: 50 per workspace', async () => {
    const other = api(t).as(await t.newWorkspace('hooks'));
    for (let i = 0; i < LIMITS.webhookSubscriptions; i++) await other.ok.webhooks.subscribe(`https://example.com/${i}`, ['contact.user.updated']);
    const res = await other.webhooks.subscribe('https://example.com/51', ['contact.user.updated']);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: expect.stringMatching(/at most 50 webhook subscriptions/) });
    expect((await other.ok.webhooks.list()).data).toHaveLength(50);
  });

  it('JSON nesting: 32 levels; a body 10,000 levels deep under custom_attributes is 400 at once', async () => {
    const nest = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    // The body is level 1 and custom_attributes' object level 2: 31 objects reach 32 (and fail validation, not the parser).
    const at = await client.contacts.update(contact.id, `{"custom_attributes":${nest(31)}}`, { 'Content-Type': 'application/json' });
    expect(at.status).toBe(400);
    expect(at.body.errors[0].message).not.toMatch(/nested too deeply/);
    for (const levels of [32, 10_000]) {
      const body = await refused(
        () => client.contacts.update(contact.id, `{"custom_attributes":${nest(levels)}}`, { 'Content-Type': 'application/json' }),
        400,
        undefined,
        /nested too deeply: at most 32 levels/,
      );
      expect(body.type).toBe('error.list');
    }
  });

  it('bodies over 1 MiB: 413', async () => {
    await refused(() => client.contacts.update(contact.id, { name: 'x', padding: 'p'.repeat(LIMITS.bodyBytes) }), 413, undefined, /1 MiB/);
  });
});

describe('MAX_EVENT_BYTES', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('refuses an event larger than the limit with 413 and writes nothing', async () => {
    t = await startTestApp({ MAX_EVENT_BYTES: '16384' });
    const client = api(t).as(await t.newWorkspace('events'));
    const contact = await client.ok.contacts.create({ email: 'big@example.com' });
    const before = await storedEvents(t, contact.id);
    // A note's event is its body plus about 300 bytes of ids and metadata.
    await client.ok.notes.add(contact.id, { body: 'x'.repeat(15_000) });
    const res = await client.notes.add(contact.id, { body: 'x'.repeat(16_384) });
    expect(res.status).toBe(413);
    expect(res.body.errors[0]).toMatchObject({ code: 'request_too_large', message: expect.stringMatching(/too large to record: its event would be \d+ bytes, over the limit of 16384 bytes/) });
    const after = await storedEvents(t, contact.id);
    expect(after).toHaveLength(before.length + 1);
    expect((await client.ok.notes.of(contact.id)).total_count).toBe(1);
    expect((await client.ok.contacts.get(contact.id)).notes.total_count).toBe(1);
  });
});
