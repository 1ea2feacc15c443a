import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('contact lifecycle', () => {
  let t: TestApp;
  let token: string;
  const auth = (version?: string) => ({ Authorization: `Bearer ${token}`, ...(version ? { 'Intercom-Version': version } : {}) });
  const api = () => request(t.baseUrl);
  const create = async (body: object) => (await api().post('/contacts').set(auth()).send(body).expect(200)).body;
  const eventTypes = async (id: string) =>
    (await t.pool.query('SELECT event_type FROM es_events WHERE stream_id = $1 ORDER BY stream_position', [id])).rows.map((r) => r.event_type);

  beforeAll(async () => {
    t = await startTestApp();
    token = (await t.newWorkspace()).access_token;
    await api().post('/data_attributes').set(auth()).send({ name: 'plan', model: 'contact', data_type: 'string' }).expect(200);
    await api().post('/data_attributes').set(auth()).send({ name: 'source', model: 'contact', data_type: 'string' }).expect(200);
  });
  afterAll(() => t?.close());

  describe('DELETE /contacts/{id}', () => {
    it('answers the deleted stub, and the contact is gone from every read while its stream stays', async () => {
      const contact = await create({ email: 'gone@example.com', external_id: 'gone-1' });
      const res = await api().delete(`/contacts/${contact.id}`).set(auth());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: contact.id, external_id: 'gone-1', type: 'contact', deleted: true });
      expect((await api().get(`/contacts/${contact.id}`).set(auth())).status).toBe(404);
      expect((await api().put(`/contacts/${contact.id}`).set(auth()).send({ name: 'x' })).status).toBe(404);
      expect((await api().delete(`/contacts/${contact.id}`).set(auth())).status).toBe(404);
      expect((await api().get('/contacts/find_by_external_id/gone-1').set(auth())).status).toBe(404);
      expect(await eventTypes(contact.id)).toEqual(['ContactCreated', 'ContactDeleted']);
      const stream = await t.pool.query('SELECT version FROM es_streams WHERE stream_id = $1', [contact.id]);
      expect(stream.rows).toEqual([{ version: 2 }]);
      // Its email and external_id are free again for a new user, which gets a new id.
      const again = await create({ email: 'gone@example.com', external_id: 'gone-1' });
      expect(again.id).not.toBe(contact.id);
    });

    it('is 404 for an unknown contact and for another workspace', async () => {
      expect((await api().delete('/contacts/650cbc286d0a728750658b15').set(auth())).status).toBe(404);
      const other = await t.newWorkspace('other');
      const theirs = (await api().post('/contacts').set({ Authorization: `Bearer ${other.access_token}` }).send({ role: 'lead' })).body;
      expect((await api().delete(`/contacts/${theirs.id}`).set(auth())).status).toBe(404);
      expect(await eventTypes(theirs.id)).toEqual(['ContactCreated']);
    });
  });

  describe('archive, unarchive, block', () => {
    it('round-trips archive and unarchive without a body or Content-Type, keeping the data', async () => {
      const contact = await create({ email: 'arch@example.com', external_id: 'arch-1', name: 'Arch' });
      const archived = await api().post(`/contacts/${contact.id}/archive`).set(auth());
      expect(archived.status).toBe(200);
      expect(archived.body).toEqual({ id: contact.id, external_id: 'arch-1', type: 'contact', archived: true });
      expect((await api().get(`/contacts/${contact.id}`).set(auth()).expect(200)).body).toMatchObject({ name: 'Arch', email: 'arch@example.com' });
      // Archiving twice changes nothing and records nothing.
      await api().post(`/contacts/${contact.id}/archive`).set(auth()).expect(200);
      const unarchived = await api().post(`/contacts/${contact.id}/unarchive`).set(auth());
      expect(unarchived.body).toEqual({ id: contact.id, external_id: 'arch-1', type: 'contact', archived: false });
      expect(await eventTypes(contact.id)).toEqual(['ContactCreated', 'ContactArchived', 'ContactUnarchived']);
    });

    it('keeps archived users in the uniqueness rule with the archived message', async () => {
      const contact = await create({ email: 'arch2@example.com' });
      await api().post(`/contacts/${contact.id}/archive`).set(auth()).expect(200);
      const clash = await api().post('/contacts').set(auth()).send({ email: 'ARCH2@example.com' });
      expect(clash.status).toBe(409);
      expect(clash.body.errors).toEqual([{ code: 'conflict', message: `An archived contact matching those details already exists with id=${contact.id}` }]);
    });

    it('records a block on the contact', async () => {
      const contact = await create({ role: 'lead' });
      const res = await api().post(`/contacts/${contact.id}/block`).set(auth('2.14'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'contact', id: contact.id, external_id: null, blocked: true });
      expect(await eventTypes(contact.id)).toEqual(['ContactCreated', 'ContactBlocked']);
      expect((await api().post('/contacts/650cbc286d0a728750658b15/block').set(auth())).status).toBe(404);
    });

    it('accepts an empty JSON body with a Content-Type', async () => {
      const contact = await create({ role: 'lead' });
      const res = await api().post(`/contacts/${contact.id}/archive`).set({ ...auth(), 'Content-Type': 'application/json' }).send('');
      expect(res.status).toBe(200);
    });
  });

  describe('GET /contacts/find_by_external_id/{external_id}', () => {
    it('finds users only', async () => {
      const user = await create({ external_id: 'find-me', email: 'find@example.com' });
      const res = await api().get('/contacts/find_by_external_id/find-me').set(auth('2.14'));
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(user.id);
      await create({ role: 'lead', external_id: 'lead-ext' });
      const lead = await api().get('/contacts/find_by_external_id/lead-ext').set(auth());
      expect(lead.status).toBe(404);
      expect(lead.body.errors[0]).toEqual({ code: 'not_found', message: 'User Not Found' });
    });
  });

  describe('POST /contacts/merge', () => {
    it('fills the user from the lead, records it on both streams, and the lead is gone', async () => {
      const lead = await create({ role: 'lead', name: 'Lead Name', phone: '+44 1', custom_attributes: { plan: 'trial', source: 'ads' } });
      const user = await create({ email: 'merge-user@example.com', external_id: 'mu-1', custom_attributes: { plan: 'pro' } });
      const res = await api().post('/contacts/merge').set(auth()).send({ from: lead.id, into: user.id });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: user.id,
        role: 'user',
        email: 'merge-user@example.com',
        name: 'Lead Name',
        phone: '+44 1',
        custom_attributes: { plan: 'pro', source: 'ads' },
      });
      expect(await eventTypes(lead.id)).toEqual(['ContactCreated', 'ContactMergedInto']);
      expect(await eventTypes(user.id)).toEqual(['ContactCreated', 'ContactMergedFrom']);
      const fromEvent = (await t.pool.query(`SELECT data, metadata FROM es_events WHERE stream_id = $1 AND event_type = 'ContactMergedFrom'`, [user.id])).rows[0];
      expect(fromEvent.data).toMatchObject({ from_contact_id: lead.id, changes: { name: { from: null, to: 'Lead Name' }, 'custom_attributes.source': { from: null, to: 'ads' } } });
      expect(fromEvent.metadata.request_id).toMatch(UUID);

      const gone = await api().get(`/contacts/${lead.id}`).set(auth());
      expect(gone.status).toBe(404);
      const merged = await api().get(`/contacts/${lead.id}`).set(auth('2.16'));
      expect(merged.status).toBe(410);
      expect(merged.headers.link).toBe(`</contacts/${user.id}>; rel="canonical"`);
      expect(merged.body.errors).toEqual([{ code: 'contact_merged', message: "This contact has been merged. See the 'Link' header for the canonical contact." }]);
      expect((await api().get(`/contacts/${user.id}`).set(auth()).expect(200)).body).toEqual(res.body);
    });

    it('on 2.16 merges only duplicates (same email or phone) unless skip_duplicate_validation', async () => {
      const user = await create({ email: 'dup216@example.com' });
      const stranger = await create({ role: 'lead', email: 'other216@example.com' });
      const refused = await api().post('/contacts/merge').set(auth('2.16')).send({ from: stranger.id, into: user.id });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        {
          code: 'invalid_merge',
          message: 'Contacts can only be merged when they are duplicates (matching email or phone). Pass skip_duplicate_validation=true to override this check.',
        },
      ]);
      expect(await eventTypes(stranger.id)).toEqual(['ContactCreated']);
      const twin = await create({ role: 'lead', email: 'DUP216@example.com' });
      expect((await api().post('/contacts/merge').set(auth('2.16')).send({ from: twin.id, into: user.id })).status).toBe(200);
      const forced = await api().post('/contacts/merge').set(auth('2.16')).send({ from: stranger.id, into: user.id, skip_duplicate_validation: true });
      expect(forced.status).toBe(200);
      // Before 2.16 there is no such check.
      const older = await create({ role: 'lead', email: 'unrelated@example.com' });
      expect((await api().post('/contacts/merge').set(auth('2.14')).send({ from: older.id, into: user.id })).status).toBe(200);
    });

    it('lists the leads merged into a user (2.16 merge_history), newest first, in cursor pages', async () => {
      const user = await create({ email: 'history-user@example.com' });
      const leads = [await create({ role: 'lead' }), await create({ role: 'lead' }), await create({ role: 'lead' })];
      for (const lead of leads) await api().post('/contacts/merge').set(auth()).send({ from: lead.id, into: user.id }).expect(200);
      const first = await api().get(`/contacts/${user.id}/merge_history?per_page=2&order=asc`).set(auth('2.16'));
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ type: 'list', next_cursor: expect.any(String), has_more: true });
      expect(first.body.data).toHaveLength(2);
      expect(first.body.data[0]).toEqual({ type: 'merge_history', source_contact_id: expect.any(String), source_contact_role: 'lead', merged_at: expect.any(Number) });
      const second = await api().get(`/contacts/${user.id}/merge_history?per_page=2&order=asc&cursor=${first.body.next_cursor}`).set(auth('2.16'));
      expect(second.body).toMatchObject({ next_cursor: null, has_more: false });
      // Merges within one second have no order among themselves: compare the whole set.
      const seen = [...first.body.data, ...second.body.data].map((item: { source_contact_id: string }) => item.source_contact_id);
      expect(seen.sort()).toEqual(leads.map((lead) => lead.id).sort());
      const lead = await create({ role: 'lead' });
      const refused = await api().get(`/contacts/${lead.id}/merge_history`).set(auth('2.16'));
      expect(refused.status).toBe(404);
      expect(refused.body.errors).toEqual([{ code: 'not_found', message: 'Contact not found' }]);
    });

    it('refuses a user as the source, a lead as the target, unknown ids and missing fields', async () => {
      const lead = await create({ role: 'lead' });
      const user = await create({ email: 'merge-user2@example.com' });
      const other = await create({ email: 'merge-user3@example.com' });
      const cases: [object, number][] = [
        [{ from: user.id, into: other.id }, 400],
        [{ from: lead.id, into: lead.id }, 400],
        [{ from: lead.id, into: '650cbc286d0a728750658b15' }, 404],
        [{ from: lead.id }, 400],
        [{ from: 5, into: user.id }, 400],
      ];
      for (const [body, status] of cases) {
        const res = await api().post('/contacts/merge').set(auth()).send(body);
        expect(res.status, JSON.stringify(body)).toBe(status);
        expect(res.body.type).toBe('error.list');
      }
      expect(await eventTypes(lead.id)).toEqual(['ContactCreated']);
      expect(await eventTypes(user.id)).toEqual(['ContactCreated']);
    });
  });
});

describe('robustness of the edges', () => {
  let t: TestApp;
  let token: string;
  const auth = () => ({ Authorization: `Bearer ${token}` });
  beforeAll(async () => {
    t = await startTestApp();
    token = (await t.newWorkspace()).access_token;
  });
  afterAll(() => t?.close());

  it('answers 400, not 500, for a NUL character in a body or a path, and for numbers the database cannot hold', async () => {
    const contact = (await request(t.baseUrl).post('/contacts').set(auth()).send({ role: 'lead' }).expect(200)).body;
    const nul = await request(t.baseUrl).put(`/contacts/${contact.id}`).set(auth()).send({ name: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.body.errors[0].code).toBe('parameter_invalid');
    expect((await request(t.baseUrl).put(`/contacts/${contact.id}`).set(auth()).send({ name: 'a\\u0000b' })).status).toBe(200);
    expect((await request(t.baseUrl).get('/contacts/ab%00cd').set(auth())).status).toBe(400);
    expect((await request(t.baseUrl).put(`/contacts/${contact.id}`).set(auth()).send({ owner_id: 1e20 })).status).toBe(400);
    const attribute = await request(t.baseUrl).put('/data_attributes/99999999999999999999').set(auth()).send({ archived: true });
    expect(attribute.status).toBe(404);
    expect(attribute.body.errors[0].code).toBe('field_not_found');
    const blank = await request(t.baseUrl).post('/data_attributes').set(auth()).send({ name: '   ', model: 'contact', data_type: 'string' });
    expect(blank.status).toBe(400);
  });

  it('lists no segments for a contact, and 404 for an unknown one', async () => {
    const contact = (await request(t.baseUrl).post('/contacts').set(auth()).send({ role: 'lead' }).expect(200)).body;
    expect((await request(t.baseUrl).get(`/contacts/${contact.id}/segments`).set(auth())).body).toEqual({ type: 'list', data: [] });
    expect((await request(t.baseUrl).get('/contacts/650cbc286d0a728750658b15/segments').set(auth())).status).toBe(404);
  });

  it('records a hash prefix of the token as the actor, never part of the token', async () => {
    const contact = (await request(t.baseUrl).post('/contacts').set(auth()).send({ role: 'lead' }).expect(200)).body;
    const { rows } = await t.pool.query(`SELECT metadata FROM es_events WHERE stream_id = $1`, [contact.id]);
    const actor: string = rows[0].metadata.actor.id;
    expect(actor).toMatch(/^token:[0-9a-f]{12}$/);
    expect(token).not.toContain(actor.slice('token:'.length, 'token:'.length + 6));
  });
});
