import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Json, api, version } from './support/api.js';
import { storedEvents } from './support/stored-events.js';
import { type TestApp, startTestApp } from './support/test-app.js';

const sampleKeys = (v: string): string[] => Object.keys(JSON.parse(readFileSync(new URL(`./fixtures/update-contact-${v}.json`, import.meta.url), 'utf8')));
/** 2.16's keys: the documented example's, with email_verified after the email it speaks of. */
const keys216 = () => {
  const keys = sampleKeys('2.16');
  keys.splice(keys.indexOf('email') + 1, 0, 'email_verified');
  return keys;
};

describe('Intercom-Version: every value Intercom accepts, in the nearest documented shape', () => {
  let t: TestApp;
  let me: Client;
  let adminId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace('versions');
    me = api(t).as(ws);
    adminId = ws.admin.id;
  });
  afterAll(() => t?.close());

  it.each(['1.4', '2.0', '2.6', '2.11'])('answers %s in the 2.11 shape, owner_id a number', async (v) => {
    const created = await me.contacts.create({ email: `v${v}@example.com`, owner_id: adminId }, version(v));
    expect(created.status).toBe(200);
    expect(Object.keys(created.body)).toEqual(sampleKeys('2.11'));
    expect(created.body.owner_id).toBe(adminId);
    const found = await me.contacts.get(created.body.id, version(v));
    expect(found.body).toEqual(created.body);
  });

  it.each(['Unstable', 'unstable', 'Preview', '2.16'])('answers %s in the 2.16 shape: owner_id a string, email_verified, a 410 for a merged contact', async (v) => {
    const email = `u-${Math.random()}@example.com`;
    const user = await me.ok.contacts.create({ email, owner_id: adminId }, version(v));
    expect(Object.keys(user)).toEqual(keys216());
    expect(user.owner_id).toBe(String(adminId));
    const lead = await me.ok.contacts.create({ role: 'lead', email });
    await me.ok.contacts.merge({ from: lead.id, into: user.id }, version(v));
    const gone = await me.contacts.get(lead.id, version(v));
    expect(gone.status).toBe(410);
    expect(gone.body.errors[0].code).toBe('contact_merged');
  });

  it('answers 2.14 with enabled_push_messaging and without 2.16 fields', async () => {
    const contact = await me.ok.contacts.create({ email: 'v2.14@example.com' }, version('2.14'));
    expect(Object.keys(contact)).toEqual(sampleKeys('2.14'));
  });

  it.each(['3.0', '2.17', '1.5', '2', 'latest'])('refuses %s with 400 intercom_version_invalid, recording nothing', async (v) => {
    const before = (await t.pool.query('SELECT count(*)::int AS n FROM es_events')).rows[0].n;
    const res = await me.contacts.create({ email: `bad-${v}@example.com` }, version(v));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      type: 'error.list',
      request_id: expect.any(String),
      errors: [{ code: 'intercom_version_invalid', message: `Intercom-Version '${v}' is not supported; use 1.0 to 1.4, 2.0 to 2.16, or Unstable` }],
    });
    expect((await t.pool.query('SELECT count(*)::int AS n FROM es_events')).rows[0].n).toBe(before);
  });
});

describe('2.16 email_verified', () => {
  let t: TestApp;
  let me: Client;
  const v216 = version('2.16');

  beforeAll(async () => {
    t = await startTestApp();
    me = api(t).as(await t.newWorkspace('email-verified'));
  });
  afterAll(() => t?.close());

  it('is stored on create and returned by every 2.16 read, not by older versions', async () => {
    const created = await me.ok.contacts.create({ email: 'verified@example.com', email_verified: true }, v216);
    expect(created.email_verified).toBe(true);
    expect((await me.ok.contacts.get(created.id, v216)).email_verified).toBe(true);
    const listed = await me.ok.contacts.search({ query: { field: 'email', operator: '=', value: 'verified@example.com' } }, v216);
    expect(listed.data.map((c: Json) => c.email_verified)).toEqual([true]);
    expect('email_verified' in (await me.ok.contacts.get(created.id, version('2.14')))).toBe(false);
    const [event] = await storedEvents(t, created.id);
    expect(event.data).toMatchObject({ email: 'verified@example.com', email_verified: true });
  });

  it('is null when never said', async () => {
    const created = await me.ok.contacts.create({ email: 'unsaid@example.com' }, v216);
    expect(created.email_verified).toBeNull();
  });

  it('changes on update with the email, and goes back to null when the email changes without it', async () => {
    const contact = await me.ok.contacts.create({ email: 'changing@example.com' }, v216);
    const verified = await me.ok.contacts.update(contact.id, { email: 'changing@example.com', email_verified: true }, v216);
    expect(verified.email_verified).toBe(true);
    const moved = await me.ok.contacts.update(contact.id, { email: 'moved@example.com' }, v216);
    expect(moved.email_verified).toBeNull();
    const log = await storedEvents(t, contact.id);
    expect(log.slice(1).map((e) => e.data.changes)).toEqual([
      { email_verified: { from: null, to: true } },
      { email: { from: 'changing@example.com', to: 'moved@example.com' }, email_verified: { from: true, to: null } },
    ]);
  });

  it('is refused without an email in the same request, or when not a boolean, and nothing is recorded', async () => {
    const contact = await me.ok.contacts.create({ email: 'strict@example.com' }, v216);
    const alone = await me.contacts.update(contact.id, { name: 'x', email_verified: true }, v216);
    expect(alone.status).toBe(400);
    expect(alone.body.errors).toEqual([
      { code: 'parameter_invalid', message: 'email_verified must be supplied together with an email in the same request', field: 'email_verified' },
    ]);
    const typed = await me.contacts.update(contact.id, { email: 'strict@example.com', email_verified: 'yes' }, v216);
    expect(typed.status).toBe(400);
    expect(typed.body.errors).toEqual([{ code: 'parameter_invalid', message: 'email_verified must be a boolean', field: 'email_verified' }]);
    const create = await me.contacts.create({ role: 'user', email_verified: false }, v216);
    expect(create.status).toBe(400);
    expect((await storedEvents(t, contact.id)).length).toBe(1);
  });

  it('is ignored, as any unknown field, before 2.16', async () => {
    const created = await me.ok.contacts.create({ email: 'old-client@example.com', email_verified: true }, version('2.14'));
    expect('email_verified' in created).toBe(false);
    expect((await me.ok.contacts.get(created.id, v216)).email_verified).toBeNull();
    const [event] = await storedEvents(t, created.id);
    expect(event.data).not.toHaveProperty('email_verified');
  });
});

describe('2.16 include_merge_history', () => {
  let t: TestApp;
  let me: Client;
  let user: Json;
  let leads: Json[];
  const v216 = version('2.16');
  const withHistory = '?include_merge_history=true';

  beforeAll(async () => {
    t = await startTestApp();
    me = api(t).as(await t.newWorkspace('merge-history'));
    user = await me.ok.contacts.create({ email: 'host@example.com', external_id: 'host' });
    leads = [];
    for (let i = 0; i < 2; i++) {
      const lead = await me.ok.contacts.create({ role: 'lead', name: `Lead ${i}` });
      await me.ok.contacts.merge({ from: lead.id, into: user.id });
      leads.push(lead);
    }
  });
  afterAll(() => t?.close());

  const expectHistory = (contact: Json) => {
    expect(Object.keys(contact).at(-1)).toBe('merge_history');
    expect(contact.merge_history).toHaveLength(2);
    expect(contact.merge_history.map((m: Json) => m.source_contact_id).sort()).toEqual(leads.map((l) => l.id).sort());
    for (const item of contact.merge_history) {
      expect(Object.keys(item)).toEqual(['type', 'source_contact_id', 'source_contact_role', 'merged_at']);
      expect(item).toMatchObject({ type: 'merge_history', source_contact_role: 'lead', merged_at: expect.any(Number) });
    }
    const times = contact.merge_history.map((m: Json) => m.merged_at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  };

  it('embeds the merge history in GET, find_by_external_id and PUT', async () => {
    expectHistory(await me.ok.get(`/contacts/${user.id}${withHistory}`, v216));
    expectHistory(await me.ok.get(`/contacts/find_by_external_id/host${withHistory}`, v216));
    expectHistory(await me.ok.put(`/contacts/${user.id}${withHistory}`, { name: 'Host' }, v216));
  });

  it('embeds it in each user of a list and a search page', async () => {
    const list = await me.ok.get(`/contacts${withHistory}&per_page=150`, v216);
    expectHistory(list.data.find((c: Json) => c.id === user.id));
    const search = await me.ok.post(`/contacts/search${withHistory}`, { query: { field: 'id', operator: '=', value: user.id } }, v216);
    expectHistory(search.data[0]);
  });

  it('embeds it in the answer of a merge', async () => {
    const lead = await me.ok.contacts.create({ role: 'lead', email: 'host@example.com' });
    const merged = await me.ok.post(`/contacts/merge${withHistory}`, { from: lead.id, into: user.id }, v216);
    // Newest first; merges of the same second order by id, so this one need not be the first.
    expect(merged.merge_history.map((item: { source_contact_id: string }) => item.source_contact_id)).toContain(lead.id);
    expect(merged.merge_history).toHaveLength(3);
    leads.push(lead);
  });

  it('gives a user without merges an empty history and a lead none', async () => {
    const fresh = await me.ok.contacts.create({ email: 'fresh@example.com' });
    expect((await me.ok.get(`/contacts/${fresh.id}${withHistory}`, v216)).merge_history).toEqual([]);
    const lead = await me.ok.contacts.create({ role: 'lead' });
    expect('merge_history' in (await me.ok.get(`/contacts/${lead.id}${withHistory}`, v216))).toBe(false);
  });

  it('leaves it out unless asked for, and before 2.16', async () => {
    expect('merge_history' in (await me.ok.contacts.get(user.id, v216))).toBe(false);
    expect('merge_history' in (await me.ok.get(`/contacts/${user.id}?include_merge_history=false`, v216))).toBe(false);
    expect('merge_history' in (await me.ok.get(`/contacts/${user.id}${withHistory}`, version('2.14')))).toBe(false);
  });

  it('refuses a value that is not a boolean before anything is recorded', async () => {
    const before = (await storedEvents(t, user.id)).length;
    const res = await me.put(`/contacts/${user.id}?include_merge_history=yes`, { name: 'Nope' }, v216);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ code: 'parameter_invalid', message: 'include_merge_history must be true or false', field: 'include_merge_history' }]);
    expect((await storedEvents(t, user.id)).length).toBe(before);
  });
});
