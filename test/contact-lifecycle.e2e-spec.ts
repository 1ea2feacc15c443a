import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api, version } from './support/api.js';
import { UUID } from './support/shape.js';
import { eventTypes, storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('contact lifecycle', () => {
  let t: TestApp;
  let me: Client;

  beforeAll(async () => {
    t = await startTestApp();
    me = api(t).as(await t.newWorkspace());
    await me.ok.dataAttributes.define('plan', 'string');
    await me.ok.dataAttributes.define('source', 'string');
  });
  afterAll(() => t?.close());

  describe('DELETE /contacts/{id}', () => {
    it('answers the deleted stub, and the contact is gone from every read while its stream stays', async () => {
      const contact = await me.ok.contacts.create({ email: 'gone@example.com', external_id: 'gone-1' });
      const res = await me.contacts.delete(contact.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: contact.id, external_id: 'gone-1', type: 'contact', deleted: true });
      expect((await me.contacts.get(contact.id)).status).toBe(404);
      expect((await me.contacts.update(contact.id, { name: 'x' })).status).toBe(404);
      expect((await me.contacts.delete(contact.id)).status).toBe(404);
      expect((await me.contacts.findByExternalId('gone-1')).status).toBe(404);
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', 'ContactDeleted']);
      const stream = await t.pool.query('SELECT version FROM es_streams WHERE stream_id = $1', [contact.id]);
      expect(stream.rows).toEqual([{ version: 2 }]);
      // Its email and external_id are free again for a new user, which gets a new id.
      const again = await me.ok.contacts.create({ email: 'gone@example.com', external_id: 'gone-1' });
      expect(again.id).not.toBe(contact.id);
    });

    it('is 404 for an unknown contact and for another workspace', async () => {
      expect((await me.contacts.delete('650cbc286d0a728750658b15')).status).toBe(404);
      const other = await t.newWorkspace('other');
      const theirs = await api(t).as(other).ok.contacts.create({ role: 'lead' });
      expect((await me.contacts.delete(theirs.id)).status).toBe(404);
      expect(await eventTypes(t, theirs.id)).toEqual(['ContactCreated']);
    });
  });

  describe('archive, unarchive, block', () => {
    it('round-trips archive and unarchive without a body or Content-Type, keeping the data', async () => {
      const contact = await me.ok.contacts.create({ email: 'arch@example.com', external_id: 'arch-1', name: 'Arch' });
      const archived = await me.contacts.archive(contact.id);
      expect(archived.status).toBe(200);
      expect(archived.body).toEqual({ id: contact.id, external_id: 'arch-1', type: 'contact', archived: true });
      expect(await me.ok.contacts.get(contact.id)).toMatchObject({ name: 'Arch', email: 'arch@example.com' });
      // Archiving twice changes nothing and records nothing.
      await me.contacts.archive(contact.id).expect(200);
      const unarchived = await me.contacts.unarchive(contact.id);
      expect(unarchived.body).toEqual({ id: contact.id, external_id: 'arch-1', type: 'contact', archived: false });
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', 'ContactArchived', 'ContactUnarchived']);
    });

    it('keeps archived users in the uniqueness rule with the archived message', async () => {
      const contact = await me.ok.contacts.create({ email: 'arch2@example.com' });
      await me.contacts.archive(contact.id).expect(200);
      const clash = await me.contacts.create({ email: 'ARCH2@example.com' });
      expect(clash.status).toBe(409);
      expect(clash.body.errors).toEqual([{ code: 'conflict', message: `An archived contact matching those details already exists with id=${contact.id}` }]);
    });

    it('records a block on the contact', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const res = await me.contacts.block(contact.id, version('2.14'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'contact', id: contact.id, external_id: null, blocked: true });
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', 'ContactBlocked']);
      expect((await me.contacts.block('650cbc286d0a728750658b15')).status).toBe(404);
    });

    it('accepts an empty JSON body with a Content-Type', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const res = await me.post(`/contacts/${contact.id}/archive`, '', { 'Content-Type': 'application/json' });
      expect(res.status).toBe(200);
    });
  });

  describe('GET /contacts/find_by_external_id/{external_id}', () => {
    it('finds users only', async () => {
      const user = await me.ok.contacts.create({ external_id: 'find-me', email: 'find@example.com' });
      const res = await me.contacts.findByExternalId('find-me', version('2.14'));
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(user.id);
      await me.ok.contacts.create({ role: 'lead', external_id: 'lead-ext' });
      const lead = await me.contacts.findByExternalId('lead-ext');
      expect(lead.status).toBe(404);
      expect(lead.body.errors[0]).toEqual({ code: 'not_found', message: 'User Not Found' });
    });
  });

  describe('POST /contacts/merge', () => {
    it('fills the user from the lead, records it on both streams, and the lead is gone', async () => {
      const lead = await me.ok.contacts.create({ role: 'lead', name: 'Lead Name', phone: '+44 1', custom_attributes: { plan: 'trial', source: 'ads' } });
      const user = await me.ok.contacts.create({ email: 'merge-user@example.com', external_id: 'mu-1', custom_attributes: { plan: 'pro' } });
      const res = await me.contacts.merge({ from: lead.id, into: user.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: user.id,
        role: 'user',
        email: 'merge-user@example.com',
        name: 'Lead Name',
        phone: '+44 1',
        custom_attributes: { plan: 'pro', source: 'ads' },
      });
      expect(await eventTypes(t, lead.id)).toEqual(['ContactCreated', 'ContactMergedInto']);
      expect(await eventTypes(t, user.id)).toEqual(['ContactCreated', 'ContactMergedFrom']);
      const fromEvent = (await storedEvents(t, user.id)).find((e) => e.event_type === 'ContactMergedFrom')!;
      expect(fromEvent.data).toMatchObject({ from_contact_id: lead.id, changes: { name: { from: null, to: 'Lead Name' }, 'custom_attributes.source': { from: null, to: 'ads' } } });
      expect(fromEvent.metadata.request_id).toMatch(UUID);

      const gone = await me.contacts.get(lead.id);
      expect(gone.status).toBe(404);
      const merged = await me.contacts.get(lead.id, version('2.16'));
      expect(merged.status).toBe(410);
      expect(merged.headers.link).toBe(`</contacts/${user.id}>; rel="canonical"`);
      expect(merged.body.errors).toEqual([{ code: 'contact_merged', message: "This contact has been merged. See the 'Link' header for the canonical contact." }]);
      expect(await me.ok.contacts.get(user.id)).toEqual(res.body);
    });

    it('on 2.16 merges only duplicates (same email or phone) unless skip_duplicate_validation', async () => {
      const user = await me.ok.contacts.create({ email: 'dup216@example.com' });
      const stranger = await me.ok.contacts.create({ role: 'lead', email: 'other216@example.com' });
      const refused = await me.contacts.merge({ from: stranger.id, into: user.id }, version('2.16'));
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        {
          code: 'invalid_merge',
          message: 'Contacts can only be merged when they are duplicates (matching email or phone). Pass skip_duplicate_validation=true to override this check.',
        },
      ]);
      expect(await eventTypes(t, stranger.id)).toEqual(['ContactCreated']);
      const twin = await me.ok.contacts.create({ role: 'lead', email: 'DUP216@example.com' });
      expect((await me.contacts.merge({ from: twin.id, into: user.id }, version('2.16'))).status).toBe(200);
      const forced = await me.contacts.merge({ from: stranger.id, into: user.id, skip_duplicate_validation: true }, version('2.16'));
      expect(forced.status).toBe(200);
      // Before 2.16 there is no such check.
      const older = await me.ok.contacts.create({ role: 'lead', email: 'unrelated@example.com' });
      expect((await me.contacts.merge({ from: older.id, into: user.id }, version('2.14'))).status).toBe(200);
    });

    it('lists the leads merged into a user (2.16 merge_history), newest first, in cursor pages', async () => {
      const user = await me.ok.contacts.create({ email: 'history-user@example.com' });
      const leads = [await me.ok.contacts.create({ role: 'lead' }), await me.ok.contacts.create({ role: 'lead' }), await me.ok.contacts.create({ role: 'lead' })];
      for (const lead of leads) await me.contacts.merge({ from: lead.id, into: user.id }).expect(200);
      const first = await me.contacts.mergeHistory(user.id, { per_page: 2, order: 'asc' }, version('2.16'));
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ type: 'list', next_cursor: expect.any(String), has_more: true });
      expect(first.body.data).toHaveLength(2);
      expect(first.body.data[0]).toEqual({ type: 'merge_history', source_contact_id: expect.any(String), source_contact_role: 'lead', merged_at: expect.any(Number) });
      const second = await me.contacts.mergeHistory(user.id, { per_page: 2, order: 'asc', cursor: first.body.next_cursor }, version('2.16'));
      expect(second.body).toMatchObject({ next_cursor: null, has_more: false });
      // Merges within one second have no order among themselves: compare the whole set.
      const seen = [...first.body.data, ...second.body.data].map((item: { source_contact_id: string }) => item.source_contact_id);
      expect(seen.sort()).toEqual(leads.map((lead) => lead.id).sort());
      const lead = await me.ok.contacts.create({ role: 'lead' });
      const refused = await me.contacts.mergeHistory(lead.id, undefined, version('2.16'));
      expect(refused.status).toBe(404);
      expect(refused.body.errors).toEqual([{ code: 'not_found', message: 'Contact not found' }]);
    });

    it('refuses a user as the source, a lead as the target, unknown ids and missing fields', async () => {
      const lead = await me.ok.contacts.create({ role: 'lead' });
      const user = await me.ok.contacts.create({ email: 'merge-user2@example.com' });
      const other = await me.ok.contacts.create({ email: 'merge-user3@example.com' });
      const cases: [object, number][] = [
        [{ from: user.id, into: other.id }, 400],
        [{ from: lead.id, into: lead.id }, 400],
        [{ from: lead.id, into: '650cbc286d0a728750658b15' }, 404],
        [{ from: lead.id }, 400],
        [{ from: 5, into: user.id }, 400],
      ];
      for (const [body, status] of cases) {
        const res = await me.contacts.merge(body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        expect(res.body.type).toBe('error.list');
      }
      expect(await eventTypes(t, lead.id)).toEqual(['ContactCreated']);
      expect(await eventTypes(t, user.id)).toEqual(['ContactCreated']);
    });
  });
});

describe('robustness of the edges', () => {
  let t: TestApp;
  let token: string;
  let me: Client;
  beforeAll(async () => {
    t = await startTestApp();
    token = (await t.newWorkspace()).access_token;
    me = api(t).as(token);
  });
  afterAll(() => t?.close());

  it('answers 400, not 500, for a NUL character in a body or a path, and for numbers the database cannot hold', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    const nul = await me.contacts.update(contact.id, { name: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.body.errors[0].code).toBe('parameter_invalid');
    expect((await me.contacts.update(contact.id, { name: 'a\\u0000b' })).status).toBe(200);
    expect((await me.get('/contacts/ab%00cd')).status).toBe(400);
    expect((await me.contacts.update(contact.id, { owner_id: 1e20 })).status).toBe(400);
    const attribute = await me.put('/data_attributes/99999999999999999999', { archived: true });
    expect(attribute.status).toBe(404);
    expect(attribute.body.errors[0].code).toBe('field_not_found');
    const blank = await me.dataAttributes.define('   ', 'string');
    expect(blank.status).toBe(400);
  });

  it('lists no segments for a contact, and 404 for an unknown one', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    expect((await me.contacts.segments(contact.id)).body).toEqual({ type: 'list', data: [] });
    expect((await me.contacts.segments('650cbc286d0a728750658b15')).status).toBe(404);
  });

  it('records a hash prefix of the token as the actor, never part of the token', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    const [created] = await storedEvents(t, contact.id);
    const actor: string = created.metadata.actor.id;
    expect(actor).toMatch(/^token:[0-9a-f]{12}$/);
    expect(token).not.toContain(actor.slice('token:'.length, 'token:'.length + 6));
  });
});
