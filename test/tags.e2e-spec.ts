import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const USER_NOT_FOUND = [{ code: 'not_found', message: 'User Not Found' }];
const RESOURCE_NOT_FOUND = [{ code: 'not_found', message: 'Resource Not Found' }];
const MISSING_CONTACT = '650cbc286d0a728750658b15';

describe('tags', () => {
  let t: TestApp;
  let token: string;
  let otherToken: string;
  const auth = (as = token) => ({ Authorization: `Bearer ${as}` });
  const api = () => request(t.baseUrl);
  const newTag = async (name: string, as = token) => (await api().post('/tags').set(auth(as)).send({ name }).expect(200)).body;
  const newContact = async (as = token) => (await api().post('/contacts').set(auth(as)).send({ role: 'lead' }).expect(200)).body;
  const tagContact = (contactId: string, id: unknown, as = token) => api().post(`/contacts/${contactId}/tags`).set(auth(as)).send({ id });
  const events = async (id: string) =>
    (await t.pool.query('SELECT event_type, data, metadata FROM es_events WHERE stream_id = $1 ORDER BY stream_position', [id])).rows;
  const eventTypes = async (id: string) => (await events(id)).map((e) => e.event_type);
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    t = await startTestApp();
    token = (await t.newWorkspace()).access_token;
    otherToken = (await t.newWorkspace('other')).access_token;
  });
  afterAll(() => t?.close());

  describe('POST /tags and GET /tags', () => {
    it('creates a tag with a string id, finds it again by name in any case, and lists the workspace tags', async () => {
      const ws = (await t.newWorkspace('listing')).access_token;
      const vip = await api().post('/tags').set(auth(ws)).send({ name: 'VIP' });
      expect(vip.status).toBe(200);
      expect(Object.keys(vip.body)).toEqual(['type', 'id', 'name']);
      expect(vip.body).toEqual({ type: 'tag', id: expect.stringMatching(/^\d+$/), name: 'VIP' });
      const again = await api().post('/tags').set(auth(ws)).send({ name: 'vip' }).expect(200);
      expect(again.body).toEqual(vip.body);
      const churned = await newTag('  Churned ', ws);
      expect(churned.name).toBe('Churned');
      const list = await api().get('/tags').set(auth(ws)).expect(200);
      expect(list.body).toEqual({ type: 'list', data: [vip.body, churned] });
      const rows = await t.pool.query(`SELECT name FROM tags WHERE lower(name) = 'vip' AND id = $1`, [vip.body.id]);
      expect(rows.rows).toEqual([{ name: 'VIP' }]);
    });

    it.each([
      ['no name', {}],
      ['a null name', { name: null }],
      ['an empty name', { name: '' }],
      ['a blank name', { name: '   ' }],
      ['a number', { name: 7 }],
      ['191 characters', { name: 'x'.repeat(191) }],
    ])('refuses %s with 400 parameter_invalid', async (_, body) => {
      const res = await api().post('/tags').set(auth()).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [expect.objectContaining({ code: 'parameter_invalid', field: 'name' })] });
    });

    it('accepts a name of 190 characters', async () => {
      expect((await newTag('y'.repeat(190))).name).toHaveLength(190);
    });

    it('renames a tag by id, and refuses an unknown id or a name another tag has', async () => {
      const tag = await newTag('Old name');
      const renamed = await api().post('/tags').set(auth()).send({ id: tag.id, name: 'New name' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ type: 'tag', id: tag.id, name: 'New name' });
      expect((await api().get('/tags').set(auth())).body.data).toContainEqual(renamed.body);
      const unknown = await api().post('/tags').set(auth()).send({ id: '999999999', name: 'x' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.errors).toEqual(RESOURCE_NOT_FOUND);
      await newTag('Taken');
      const clash = await api().post('/tags').set(auth()).send({ id: tag.id, name: 'TAKEN' });
      expect(clash.status).toBe(400);
      expect(clash.body.errors[0].code).toBe('parameter_invalid');
    });

    it('keeps workspaces apart: the same name is another tag, and neither lists the other', async () => {
      const mine = await newTag('Shared name');
      const theirs = await newTag('Shared name', otherToken);
      expect(theirs.id).not.toBe(mine.id);
      expect((await api().get('/tags').set(auth(otherToken))).body.data).not.toContainEqual(mine);
      expect((await api().get('/tags').set(auth())).body.data).not.toContainEqual(theirs);
      const rename = await api().post('/tags').set(auth(otherToken)).send({ id: mine.id, name: 'hijack' });
      expect(rename.status).toBe(404);
    });
  });

  describe('POST /contacts/{id}/tags', () => {
    it('answers the tag with applied_at and applied_by in the order of the spec, and records one ContactTagged', async () => {
      const contact = await newContact();
      const tag = await newTag('Manual tag');
      const before = now();
      const res = await tagContact(contact.id, tag.id);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['type', 'id', 'name', 'applied_at', 'applied_by']);
      expect(res.body).toEqual({ type: 'tag', id: tag.id, name: 'Manual tag', applied_at: expect.any(Number), applied_by: null });
      expect(res.body.applied_at).toBeGreaterThanOrEqual(before);
      expect(res.body.applied_at).toBeLessThanOrEqual(now());
      const log = await events(contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'ContactTagged']);
      expect(log[1].data).toEqual({ tag_id: tag.id, admin_id: null, occurred_at: res.body.applied_at });
      expect(log[1].metadata.request_id).toMatch(UUID);
    });

    it('is idempotent: tagging twice answers the first application and records one event', async () => {
      const contact = await newContact();
      const tag = await newTag('Twice');
      const first = (await tagContact(contact.id, tag.id).expect(200)).body;
      const second = await tagContact(contact.id, tag.id);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first);
      expect(await eventTypes(contact.id)).toEqual(['ContactCreated', 'ContactTagged']);
    });

    it('accepts the tag id as a number, as in the spec example', async () => {
      const contact = await newContact();
      const tag = await newTag('Numeric');
      const res = await tagContact(contact.id, Number(tag.id));
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(tag.id);
    });

    it('is 404 User Not Found for an unknown contact and for another workspace contact, before looking at the tag', async () => {
      const tag = await newTag('Lonely');
      for (const id of [MISSING_CONTACT, (await newContact(otherToken)).id]) {
        const res = await tagContact(id, tag.id);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: USER_NOT_FOUND });
      }
      expect((await tagContact(MISSING_CONTACT, '999999999')).body.errors).toEqual(USER_NOT_FOUND);
    });

    it('is 404 Resource Not Found for an unknown tag, a malformed id and another workspace tag, and records nothing', async () => {
      const contact = await newContact();
      const theirs = await newTag('Theirs', otherToken);
      for (const id of ['999999999', 'abc', '1e3', theirs.id]) {
        const res = await tagContact(contact.id, id);
        expect(res.status, id).toBe(404);
        expect(res.body.errors).toEqual(RESOURCE_NOT_FOUND);
      }
      expect(await eventTypes(contact.id)).toEqual(['ContactCreated']);
    });

    it('is 400 parameter_invalid without a tag id', async () => {
      const contact = await newContact();
      for (const body of [{}, { id: null }, { id: '' }, { id: { nested: 1 } }]) {
        const res = await api().post(`/contacts/${contact.id}/tags`).set(auth()).send(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'id' });
      }
    });
  });

  describe('GET /contacts/{id}/tags', () => {
    it('lists the tags in the order they were applied, with their application', async () => {
      const contact = await newContact();
      const [b, a, c] = [await newTag('List B'), await newTag('List A'), await newTag('List C')];
      const applied = [];
      for (const tag of [b, a, c]) applied.push((await tagContact(contact.id, tag.id).expect(200)).body);
      const res = await api().get(`/contacts/${contact.id}/tags`).set(auth());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'list', data: applied });
      expect(res.body.data.map((tag: { name: string }) => tag.name)).toEqual(['List B', 'List A', 'List C']);
    });

    it('shows a renamed tag under its new name', async () => {
      const contact = await newContact();
      const tag = await newTag('Before rename');
      await tagContact(contact.id, tag.id).expect(200);
      await api().post('/tags').set(auth()).send({ id: tag.id, name: 'After rename' }).expect(200);
      expect((await api().get(`/contacts/${contact.id}/tags`).set(auth())).body.data[0].name).toBe('After rename');
    });

    it('answers an empty list for an untagged contact and 404 for unknown or foreign contacts', async () => {
      const contact = await newContact();
      expect((await api().get(`/contacts/${contact.id}/tags`).set(auth()).expect(200)).body).toEqual({ type: 'list', data: [] });
      for (const id of [MISSING_CONTACT, (await newContact(otherToken)).id]) {
        const res = await api().get(`/contacts/${id}/tags`).set(auth());
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(USER_NOT_FOUND);
      }
    });

    it('carries the tags of a merged lead over, applied at the merge', async () => {
      const lead = await newContact();
      const user = (await api().post('/contacts').set(auth()).send({ email: 'tag-merge@example.com' }).expect(200)).body;
      const [both, leadOnly] = [await newTag('Merge both'), await newTag('Merge lead only')];
      const onUser = (await tagContact(user.id, both.id).expect(200)).body;
      await tagContact(lead.id, both.id).expect(200);
      await tagContact(lead.id, leadOnly.id).expect(200);
      await api().post('/contacts/merge').set(auth()).send({ from: lead.id, into: user.id }).expect(200);
      const mergedAt = (await events(user.id)).find((e) => e.event_type === 'ContactMergedFrom')!.data.occurred_at;
      const res = await api().get(`/contacts/${user.id}/tags`).set(auth()).expect(200);
      expect(res.body.data).toEqual([onUser, { type: 'tag', id: leadOnly.id, name: 'Merge lead only', applied_at: mergedAt, applied_by: null }]);
    });
  });

  describe('DELETE /contacts/{id}/tags/{tag_id}', () => {
    it('detaches the tag, answers it with its application, and records one ContactUntagged', async () => {
      const contact = await newContact();
      const [keep, drop] = [await newTag('Keep me'), await newTag('Drop me')];
      await tagContact(contact.id, keep.id).expect(200);
      const applied = (await tagContact(contact.id, drop.id).expect(200)).body;
      const res = await api().delete(`/contacts/${contact.id}/tags/${drop.id}`).set(auth());
      expect(res.status).toBe(200);
      expect(res.body).toEqual(applied);
      expect((await api().get(`/contacts/${contact.id}/tags`).set(auth())).body.data.map((tag: { id: string }) => tag.id)).toEqual([keep.id]);
      const log = await events(contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'ContactTagged', 'ContactTagged', 'ContactUntagged']);
      expect(log[3].data).toEqual({ tag_id: drop.id, occurred_at: expect.any(Number) });
    });

    it('records nothing when the tag is not on the contact, and answers it with no application', async () => {
      const contact = await newContact();
      const tag = await newTag('Never applied');
      const res = await api().delete(`/contacts/${contact.id}/tags/${tag.id}`).set(auth());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'tag', id: tag.id, name: 'Never applied', applied_at: null, applied_by: null });
      await tagContact(contact.id, tag.id).expect(200);
      await api().delete(`/contacts/${contact.id}/tags/${tag.id}`).set(auth()).expect(200);
      await api().delete(`/contacts/${contact.id}/tags/${tag.id}`).set(auth()).expect(200);
      expect(await eventTypes(contact.id)).toEqual(['ContactCreated', 'ContactTagged', 'ContactUntagged']);
    });

    it('can tag again after untagging', async () => {
      const contact = await newContact();
      const tag = await newTag('Again');
      await tagContact(contact.id, tag.id).expect(200);
      await api().delete(`/contacts/${contact.id}/tags/${tag.id}`).set(auth()).expect(200);
      await tagContact(contact.id, tag.id).expect(200);
      expect((await api().get(`/contacts/${contact.id}/tags`).set(auth())).body.data.map((x: { id: string }) => x.id)).toEqual([tag.id]);
      expect(await eventTypes(contact.id)).toEqual(['ContactCreated', 'ContactTagged', 'ContactUntagged', 'ContactTagged']);
    });

    it('is 404 for an unknown or foreign tag and for an unknown or foreign contact', async () => {
      const contact = await newContact();
      const tag = await newTag('Delete errors');
      const theirs = await newTag('Delete errors theirs', otherToken);
      for (const tagId of ['999999999', 'abc', theirs.id]) {
        const res = await api().delete(`/contacts/${contact.id}/tags/${tagId}`).set(auth());
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(RESOURCE_NOT_FOUND);
      }
      for (const id of [MISSING_CONTACT, (await newContact(otherToken)).id]) {
        const res = await api().delete(`/contacts/${id}/tags/${tag.id}`).set(auth());
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(USER_NOT_FOUND);
      }
      expect(await eventTypes(contact.id)).toEqual(['ContactCreated']);
    });
  });

  describe('the tags list of the contact object', () => {
    it('embeds at most ten references with the true total_count and has_more', async () => {
      const contact = await newContact();
      const tags = [];
      for (let i = 1; i <= 11; i++) tags.push(await newTag(`Embedded ${i}`));
      for (const tag of tags.slice(0, 10)) await tagContact(contact.id, tag.id).expect(200);
      const ten = (await api().get(`/contacts/${contact.id}`).set(auth()).expect(200)).body.tags;
      expect(ten).toEqual({
        type: 'list',
        data: tags.slice(0, 10).map((tag) => ({ type: 'tag', id: tag.id, url: `/tags/${tag.id}` })),
        url: `/contacts/${contact.id}/tags`,
        total_count: 10,
        has_more: false,
      });
      await tagContact(contact.id, tags[10].id).expect(200);
      const eleven = (await api().get(`/contacts/${contact.id}`).set(auth()).expect(200)).body.tags;
      expect(eleven.data).toEqual(ten.data);
      expect(eleven).toMatchObject({ total_count: 11, has_more: true });
      expect((await api().get(`/contacts/${contact.id}/tags`).set(auth())).body.data).toHaveLength(11);
      await api().delete(`/contacts/${contact.id}/tags/${tags[0].id}`).set(auth()).expect(200);
      const afterUntag = (await api().get(`/contacts/${contact.id}`).set(auth()).expect(200)).body.tags;
      expect(afterUntag.data.map((ref: { id: string }) => ref.id)).toEqual(tags.slice(1, 11).map((tag) => tag.id));
      expect(afterUntag).toMatchObject({ total_count: 10, has_more: false });
    });
  });

  it('answers 401 on every tag endpoint without a valid token', async () => {
    const contact = await newContact();
    const tag = await newTag('Auth');
    const calls = [
      () => api().post('/tags').send({ name: 'x' }),
      () => api().get('/tags'),
      () => api().post(`/contacts/${contact.id}/tags`).send({ id: tag.id }),
      () => api().get(`/contacts/${contact.id}/tags`),
      () => api().delete(`/contacts/${contact.id}/tags/${tag.id}`),
      () => api().get('/tags').set({ Authorization: 'Bearer wrong' }),
    ];
    for (const call of calls) {
      const res = await call();
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    }
    expect(await eventTypes(contact.id)).toEqual(['ContactCreated']);
  });
});
