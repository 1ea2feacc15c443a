import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Json, api, version } from './support/api.js';
import { UUID } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PRECONDITION_FAILED = [{ code: 'precondition_failed', message: 'The resource has changed since the entity tag in If-Match was issued' }];
const ifMatch = (tag: string) => ({ 'If-Match': tag });
const ifNoneMatch = (tag: string) => ({ 'If-None-Match': tag });

describe('conditional requests: ETag, If-Match, If-None-Match', () => {
  let t: TestApp;
  // Another replica on the same database, with its own caches (the contact write cache above all).
  let replica: TestApp;
  let me: Client;
  let meThere: Client;

  beforeAll(async () => {
    [t, replica] = await Promise.all([startTestApp(), startTestApp()]);
    const ws = await t.newWorkspace();
    me = api(t).as(ws);
    meThere = api(replica).as(ws);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), replica?.close()]);
  });

  const refused = (res: { status: number; body: Json }) => {
    expect(res.status).toBe(412);
    expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: PRECONDITION_FAILED });
  };
  const row = async (table: 'contacts' | 'companies', id: string) => (await t.pool.query(`SELECT state, version FROM ${table} WHERE id = $1`, [id])).rows[0];
  const eventCount = async (id: string) => (await storedEvents(t, id)).length;

  describe('contacts', () => {
    it('tags every answer with a strong ETag of the stream version and the answering Intercom-Version', async () => {
      const created = await me.contacts.create({ email: 'tagged@example.com' });
      expect(created.headers.etag).toBe('"1-2.11"');
      const got = await me.contacts.get(created.body.id);
      expect(got.headers.etag).toBe('"1-2.11"');
      const updated = await me.contacts.update(created.body.id, { name: 'Tee' });
      expect(updated.headers.etag).toBe('"2-2.11"');
      expect((await me.contacts.get(created.body.id)).headers.etag).toBe('"2-2.11"');
      // Tags and notes are events of the contact's stream too, and change its answer.
      await me.ok.tags.attach(created.body.id, { id: (await me.ok.tags.save({ name: 'etag-vip' })).id });
      expect((await me.contacts.get(created.body.id)).headers.etag).toBe('"3-2.11"');
      // The shape follows Intercom-Version: another version, another tag; Unstable answers as 2.16 and shares its tag.
      expect((await me.contacts.get(created.body.id, version('2.16'))).headers.etag).toBe('"3-2.16"');
      expect((await me.contacts.get(created.body.id, version('Unstable'))).headers.etag).toBe('"3-2.16"');
      expect((await me.contacts.get(created.body.id, version('2.9'))).headers.etag).toBe('"3-2.9"');
      expect((await me.contacts.findByExternalId('none')).headers.etag).toBeUndefined();
    });

    it('a PUT with a stale If-Match answers 412 and writes nothing: no event, the read model unchanged', async () => {
      const contact = await me.ok.contacts.create({ email: 'stale@example.com' });
      const first = (await me.contacts.get(contact.id)).headers.etag;
      await me.ok.contacts.update(contact.id, { name: 'Moved On' });
      const before = await row('contacts', contact.id);
      refused(await me.contacts.update(contact.id, { name: 'Lost Update' }, ifMatch(first)));
      expect(await eventCount(contact.id)).toBe(2);
      expect(await row('contacts', contact.id)).toEqual(before);
      expect((await me.ok.contacts.get(contact.id)).name).toBe('Moved On');
    });

    it('a PUT with the current If-Match succeeds and answers the new ETag; weak tags, other tags and lists are compared as RFC 9110 says', async () => {
      const contact = await me.contacts.create({ email: 'match@example.com' });
      const id = contact.body.id;
      const res = await me.contacts.update(id, { name: 'Matched' }, ifMatch(contact.headers.etag));
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('Matched');
      expect(res.headers.etag).toBe('"2-2.11"');
      // If-Match uses the strong comparison: a weak tag never matches.
      refused(await me.contacts.update(id, { name: 'Weak' }, ifMatch('W/"2-2.11"')));
      refused(await me.contacts.update(id, { name: 'Garbage' }, ifMatch('not-a-tag')));
      // Any listed tag will do, and only the version is compared: a tag issued under another Intercom-Version guards too.
      expect((await me.contacts.update(id, { name: 'Listed' }, ifMatch('"9-2.11", "2-2.16"'))).status).toBe(200);
      expect((await me.contacts.update(id, { name: 'Any' }, ifMatch('*'))).status).toBe(200);
      expect(await eventCount(id)).toBe(4);
      const many = Array.from({ length: 17 }, (_, i) => `"${i}-2.11"`).join(', ');
      const tooMany = await me.contacts.update(id, { name: 'Many' }, ifMatch(many));
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'If-Match' });
      // A contact that is not there is a 404, whatever the precondition.
      expect((await me.contacts.update('650cbc286d0a728750658b15', { name: 'x' }, ifMatch('"1-2.11"'))).status).toBe(404);
    });

    it('If-None-Match answers 304 without a body while the tag is current, then 200 with a new ETag after a change', async () => {
      const contact = await me.contacts.create({ email: 'cached@example.com' });
      const tag = contact.headers.etag;
      const notModified = await me.contacts.get(contact.body.id, ifNoneMatch(tag));
      expect(notModified.status).toBe(304);
      expect(notModified.text ?? '').toBe('');
      expect(notModified.headers.etag).toBe(tag);
      // The weak comparison: W/ of the same tag is the same; '*' matches any current contact.
      expect((await me.contacts.get(contact.body.id, ifNoneMatch(`"0-2.11", W/${tag}`))).status).toBe(304);
      expect((await me.contacts.get(contact.body.id, ifNoneMatch('*'))).status).toBe(304);
      // The same version in another shape is another representation.
      expect((await me.contacts.get(contact.body.id, { ...ifNoneMatch(tag), ...version('2.16') })).status).toBe(200);
      await me.ok.contacts.update(contact.body.id, { phone: '+15550001' });
      const changed = await me.contacts.get(contact.body.id, ifNoneMatch(tag));
      expect(changed.status).toBe(200);
      expect(changed.body.phone).toBe('+15550001');
      expect(changed.headers.etag).not.toBe(tag);
      expect((await me.contacts.get(contact.body.id, ifNoneMatch(changed.headers.etag))).status).toBe(304);
      // as_of reads are not tagged (a past state of its own), and find_by_external_id is.
      const asOf = await me.get(`/contacts/${contact.body.id}?as_of=${Math.floor(Date.now() / 1000) + 5}`, ifNoneMatch(changed.headers.etag));
      expect(asOf.status).toBe(200);
      expect(asOf.headers.etag).toBeUndefined();
    });

    it('find_by_external_id carries the same ETag and answers 304 to it', async () => {
      const user = await me.ok.contacts.create({ role: 'user', external_id: 'etag-ext-1' });
      const found = await me.contacts.findByExternalId('etag-ext-1', version('2.13'));
      expect(found.headers.etag).toBe('"1-2.13"');
      expect((await me.contacts.findByExternalId('etag-ext-1', { ...version('2.13'), ...ifNoneMatch('"1-2.13"') })).status).toBe(304);
      expect(user.id).toBe(found.body.id);
    });

    it('archive, unarchive, block and DELETE refuse a stale If-Match and write nothing, and take the current one', async () => {
      const contact = await me.contacts.create({ email: 'lifecycle@example.com' });
      const id = contact.body.id;
      const stale = contact.headers.etag;
      await me.ok.contacts.update(id, { name: 'Newer' });
      for (const action of ['archive', 'unarchive', 'block', 'delete'] as const) {
        refused(await me.contacts[action](id, ifMatch(stale)));
      }
      expect(await eventCount(id)).toBe(2);
      expect((await row('contacts', id)).version).toBe(2);
      expect((await me.contacts.archive(id, ifMatch('"2-2.11"'))).status).toBe(200);
      expect((await me.contacts.unarchive(id, ifMatch('"3-2.11"'))).status).toBe(200);
      refused(await me.contacts.delete(id, ifMatch('"3-2.11"')));
      const deleted = await me.contacts.delete(id, ifMatch('"4-2.11"'));
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ id, deleted: true });
    });

    it('merge checks If-Match against the user it answers, and with a stale one changes neither contact', async () => {
      const user = await me.contacts.create({ role: 'user', email: 'merge-user@example.com' });
      const lead = await me.ok.contacts.create({ role: 'lead', email: 'merge-user@example.com' });
      await me.ok.contacts.update(user.body.id, { name: 'User' });
      refused(await me.contacts.merge({ from: lead.id, into: user.body.id }, ifMatch(user.headers.etag)));
      expect([await eventCount(user.body.id), await eventCount(lead.id)]).toEqual([2, 1]);
      const merged = await me.contacts.merge({ from: lead.id, into: user.body.id }, ifMatch('"2-2.11"'));
      expect(merged.status).toBe(200);
      expect(merged.headers.etag).toBe('"3-2.11"');
    });

    it('is decided by the append, not by a read: of two PUTs with one If-Match, on two replicas at once, exactly one is applied', async () => {
      const contact = await me.contacts.create({ email: 'race@example.com' });
      const tag = contact.headers.etag;
      // Both replicas have the contact in their write caches at version 1.
      await me.ok.contacts.update(contact.body.id, { name: 'warm' }, ifMatch(tag));
      const warm = (await me.contacts.get(contact.body.id)).headers.etag;
      await meThere.ok.contacts.get(contact.body.id);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? me : meThere).contacts.update(contact.body.id, { name: `racer ${i}` }, ifMatch(warm))),
      );
      expect(results.map((res) => res.status).sort()).toEqual([200, 412, 412, 412, 412, 412]);
      expect(await eventCount(contact.body.id)).toBe(3);
      const winner = results.find((res) => res.status === 200)!;
      expect((await me.ok.contacts.get(contact.body.id)).name).toBe(winner.body.name);
    });

    it('a replica whose write cache is behind still honours a current If-Match, and refuses the tag it remembers', async () => {
      const contact = await me.ok.contacts.create({ email: 'behind@example.com' });
      await me.ok.contacts.update(contact.id, { name: 'cached here' });
      // This replica moves the contact on: the first one's cache still says version 2.
      const there = await meThere.contacts.update(contact.id, { name: 'written there' });
      expect(there.headers.etag).toBe('"3-2.11"');
      refused(await me.contacts.update(contact.id, { name: 'from the cache' }, ifMatch('"2-2.11"')));
      const res = await me.contacts.update(contact.id, { name: 'current' }, ifMatch(there.headers.etag));
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"4-2.11"');
    });
  });

  describe('companies', () => {
    it('tags a company with its version and what it shows of other read models; If-None-Match answers 304, then 200 after a change', async () => {
      const saved = await me.companies.save({ company_id: 'etag-co-1', name: 'Acme' });
      expect(saved.headers.etag).toMatch(/^"1-2\.11-[\w-]{10}"$/);
      const got = await me.companies.get(saved.body.id);
      expect(got.headers.etag).toBe(saved.headers.etag);
      const notModified = await me.companies.get(saved.body.id, ifNoneMatch(got.headers.etag));
      expect(notModified.status).toBe(304);
      expect(notModified.text ?? '').toBe('');
      const updated = await me.companies.update(saved.body.id, { size: 10 });
      expect(updated.headers.etag).toMatch(/^"2-2\.11-/);
      const changed = await me.companies.get(saved.body.id, ifNoneMatch(got.headers.etag));
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).toBe(updated.headers.etag);
      // A contact attaching moves user_count, not the company's stream: the tag changes all the same.
      const contact = await me.ok.contacts.create({ email: 'co-holder@example.com' });
      await me.companies.attach(contact.id, { id: saved.body.id }).expect(200);
      const held = await me.companies.get(saved.body.id, ifNoneMatch(updated.headers.etag));
      expect(held.status).toBe(200);
      expect(held.body.user_count).toBe(1);
      expect(held.headers.etag).toMatch(/^"2-2\.11-/);
      expect(held.headers.etag).not.toBe(updated.headers.etag);
    });

    it('PUT and DELETE with a stale If-Match answer 412 and write nothing; with the current one they succeed', async () => {
      const saved = await me.companies.save({ company_id: 'etag-co-2', name: 'Stale Inc' });
      const stale = saved.headers.etag;
      await me.ok.companies.update(saved.body.id, { name: 'Fresh Inc' });
      const before = await row('companies', saved.body.id);
      refused(await me.companies.update(saved.body.id, { name: 'Lost' }, ifMatch(stale)));
      refused(await me.companies.delete(saved.body.id, ifMatch(stale)));
      expect(await eventCount(saved.body.id)).toBe(2);
      expect(await row('companies', saved.body.id)).toEqual(before);
      const current = (await me.companies.get(saved.body.id)).headers.etag;
      const res = await me.companies.update(saved.body.id, { name: 'Guarded' }, ifMatch(current));
      expect(res.status).toBe(200);
      expect(res.body.name).toBe('Guarded');
      expect((await me.companies.delete(saved.body.id, ifMatch(res.headers.etag))).status).toBe(200);
      expect((await me.companies.get(saved.body.id)).status).toBe(404);
    });
  });
});
