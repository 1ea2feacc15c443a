import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { eventTypes, storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const USER_NOT_FOUND = [{ code: 'not_found', message: 'User Not Found' }];
const RESOURCE_NOT_FOUND = [{ code: 'not_found', message: 'Resource Not Found' }];
const MISSING_CONTACT = '650cbc286d0a728750658b15';

describe('tags', () => {
  let t: TestApp;
  /** This workspace, and another one. */
  let me: Client;
  let them: Client;
  /** The admin my token acts for: the workspace's first. */
  let myAdmin: string;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    t = await startTestApp();
    const mine = await t.newWorkspace();
    myAdmin = String(mine.admin.id);
    me = api(t).as(mine);
    them = api(t).as(await t.newWorkspace('other'));
  });
  afterAll(() => t?.close());

  describe('POST /tags and GET /tags', () => {
    it('creates a tag with a string id, finds it again by name in any case, and lists the workspace tags', async () => {
      const ws = api(t).as(await t.newWorkspace('listing'));
      const vip = await ws.tags.save({ name: 'VIP' });
      expect(vip.status).toBe(200);
      expect(Object.keys(vip.body)).toEqual(['type', 'id', 'name']);
      expect(vip.body).toEqual({ type: 'tag', id: expect.stringMatching(/^\d+$/), name: 'VIP' });
      const again = await ws.ok.tags.save({ name: 'vip' });
      expect(again).toEqual(vip.body);
      const churned = await ws.ok.tags.save({ name: '  Churned ' });
      expect(churned.name).toBe('Churned');
      const list = await ws.tags.list().expect(200);
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
      const res = await me.tags.save(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [expect.objectContaining({ code: 'parameter_invalid', field: 'name' })] });
    });

    it('accepts a name of 190 characters', async () => {
      expect((await me.ok.tags.save({ name: 'y'.repeat(190) })).name).toHaveLength(190);
    });

    it('renames a tag by id, and refuses an unknown id or a name another tag has', async () => {
      const tag = await me.ok.tags.save({ name: 'Old name' });
      const renamed = await me.tags.save({ id: tag.id, name: 'New name' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ type: 'tag', id: tag.id, name: 'New name' });
      expect((await me.tags.list()).body.data).toContainEqual(renamed.body);
      const unknown = await me.tags.save({ id: '999999999', name: 'x' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.errors).toEqual(RESOURCE_NOT_FOUND);
      await me.ok.tags.save({ name: 'Taken' });
      const clash = await me.tags.save({ id: tag.id, name: 'TAKEN' });
      expect(clash.status).toBe(400);
      expect(clash.body.errors[0].code).toBe('parameter_invalid');
    });

    it('keeps workspaces apart: the same name is another tag, and neither lists the other', async () => {
      const mine = await me.ok.tags.save({ name: 'Shared name' });
      const theirs = await them.ok.tags.save({ name: 'Shared name' });
      expect(theirs.id).not.toBe(mine.id);
      expect((await them.tags.list()).body.data).not.toContainEqual(mine);
      expect((await me.tags.list()).body.data).not.toContainEqual(theirs);
      const rename = await them.tags.save({ id: mine.id, name: 'hijack' });
      expect(rename.status).toBe(404);
    });
  });

  describe('POST /contacts/{id}/tags', () => {
    it('answers the tag with applied_at and applied_by in the order of the spec, and records one ContactTagged', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const tag = await me.ok.tags.save({ name: 'Manual tag' });
      const before = now();
      const res = await me.tags.attach(contact.id, { id: tag.id });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['type', 'id', 'name', 'applied_at', 'applied_by']);
      // The token acts for the workspace's first admin, as a note without admin_id does.
      expect(res.body).toEqual({ type: 'tag', id: tag.id, name: 'Manual tag', applied_at: expect.any(Number), applied_by: { type: 'admin', id: myAdmin } });
      expect(res.body.applied_at).toBeGreaterThanOrEqual(before);
      expect(res.body.applied_at).toBeLessThanOrEqual(now());
      const log = await storedEvents(t, contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'ContactTagged']);
      expect(log[1].data).toEqual({ tag_id: tag.id, admin_id: Number(myAdmin), occurred_at: res.body.applied_at });
      expect(log[1].metadata.request_id).toMatch(UUID);
    });

    it('is idempotent: tagging twice answers the first application and records one event', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const tag = await me.ok.tags.save({ name: 'Twice' });
      const first = await me.ok.tags.attach(contact.id, { id: tag.id });
      const second = await me.tags.attach(contact.id, { id: tag.id });
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first);
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', 'ContactTagged']);
    });

    it('accepts the tag id as a number, as in the spec example', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const tag = await me.ok.tags.save({ name: 'Numeric' });
      const res = await me.tags.attach(contact.id, { id: Number(tag.id) });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(tag.id);
    });

    it('is 404 User Not Found for an unknown contact and for another workspace contact, before looking at the tag', async () => {
      const tag = await me.ok.tags.save({ name: 'Lonely' });
      for (const id of [MISSING_CONTACT, (await them.ok.contacts.create({ role: 'lead' })).id]) {
        const res = await me.tags.attach(id, { id: tag.id });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: USER_NOT_FOUND });
      }
      expect((await me.tags.attach(MISSING_CONTACT, { id: '999999999' })).body.errors).toEqual(USER_NOT_FOUND);
    });

    it('is 404 Resource Not Found for an unknown tag, a malformed id and another workspace tag, and records nothing', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const theirs = await them.ok.tags.save({ name: 'Theirs' });
      for (const id of ['999999999', 'abc', '1e3', theirs.id]) {
        const res = await me.tags.attach(contact.id, { id });
        expect(res.status, id).toBe(404);
        expect(res.body.errors).toEqual(RESOURCE_NOT_FOUND);
      }
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
    });

    it('is 400 parameter_invalid without a tag id', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      for (const body of [{}, { id: null }, { id: '' }, { id: { nested: 1 } }]) {
        const res = await me.post(`/contacts/${contact.id}/tags`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'id' });
      }
    });
  });

  describe('GET /contacts/{id}/tags', () => {
    it('lists the tags in the order they were applied, with their application', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const [b, a, c] = [await me.ok.tags.save({ name: 'List B' }), await me.ok.tags.save({ name: 'List A' }), await me.ok.tags.save({ name: 'List C' })];
      const applied = [];
      for (const tag of [b, a, c]) applied.push(await me.ok.tags.attach(contact.id, { id: tag.id }));
      const res = await me.tags.of(contact.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'list', data: applied });
      expect(res.body.data.map((tag: { name: string }) => tag.name)).toEqual(['List B', 'List A', 'List C']);
    });

    it('shows a renamed tag under its new name', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const tag = await me.ok.tags.save({ name: 'Before rename' });
      await me.tags.attach(contact.id, { id: tag.id }).expect(200);
      await me.tags.save({ id: tag.id, name: 'After rename' }).expect(200);
      expect((await me.tags.of(contact.id)).body.data[0].name).toBe('After rename');
    });

    it('answers an empty list for an untagged contact and 404 for unknown or foreign contacts', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      expect(await me.ok.tags.of(contact.id)).toEqual({ type: 'list', data: [] });
      for (const id of [MISSING_CONTACT, (await them.ok.contacts.create({ role: 'lead' })).id]) {
        const res = await me.tags.of(id);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(USER_NOT_FOUND);
      }
    });

    it('carries the tags of a merged lead over, applied at the merge', async () => {
      const lead = await me.ok.contacts.create({ role: 'lead' });
      const user = await me.ok.contacts.create({ email: 'tag-merge@example.com' });
      const [both, leadOnly] = [await me.ok.tags.save({ name: 'Merge both' }), await me.ok.tags.save({ name: 'Merge lead only' })];
      const onUser = await me.ok.tags.attach(user.id, { id: both.id });
      await me.tags.attach(lead.id, { id: both.id }).expect(200);
      await me.tags.attach(lead.id, { id: leadOnly.id }).expect(200);
      await me.contacts.merge({ from: lead.id, into: user.id }).expect(200);
      const mergedAt = (await storedEvents(t, user.id)).find((e) => e.event_type === 'ContactMergedFrom')!.data.occurred_at;
      const userTags = await me.ok.tags.of(user.id);
      expect(userTags.data).toEqual([onUser, { type: 'tag', id: leadOnly.id, name: 'Merge lead only', applied_at: mergedAt, applied_by: null }]);
    });
  });

  describe('DELETE /contacts/{id}/tags/{tag_id}', () => {
    it('detaches the tag, answers it with its application, and records one ContactUntagged', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const [keep, drop] = [await me.ok.tags.save({ name: 'Keep me' }), await me.ok.tags.save({ name: 'Drop me' })];
      await me.tags.attach(contact.id, { id: keep.id }).expect(200);
      const applied = await me.ok.tags.attach(contact.id, { id: drop.id });
      const res = await me.tags.detach(contact.id, drop.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(applied);
      expect((await me.tags.of(contact.id)).body.data.map((tag: { id: string }) => tag.id)).toEqual([keep.id]);
      const log = await storedEvents(t, contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'ContactTagged', 'ContactTagged', 'ContactUntagged']);
      expect(log[3].data).toEqual({ tag_id: drop.id, occurred_at: expect.any(Number) });
    });

    it('records nothing when the tag is not on the contact, and answers it with no application', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const tag = await me.ok.tags.save({ name: 'Never applied' });
      const res = await me.tags.detach(contact.id, tag.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'tag', id: tag.id, name: 'Never applied', applied_at: null, applied_by: null });
      await me.tags.attach(contact.id, { id: tag.id }).expect(200);
      await me.tags.detach(contact.id, tag.id).expect(200);
      await me.tags.detach(contact.id, tag.id).expect(200);
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', 'ContactTagged', 'ContactUntagged']);
    });

    it('can tag again after untagging', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const tag = await me.ok.tags.save({ name: 'Again' });
      await me.tags.attach(contact.id, { id: tag.id }).expect(200);
      await me.tags.detach(contact.id, tag.id).expect(200);
      await me.tags.attach(contact.id, { id: tag.id }).expect(200);
      expect((await me.tags.of(contact.id)).body.data.map((x: { id: string }) => x.id)).toEqual([tag.id]);
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', 'ContactTagged', 'ContactUntagged', 'ContactTagged']);
    });

    it('is 404 for an unknown or foreign tag and for an unknown or foreign contact', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const tag = await me.ok.tags.save({ name: 'Delete errors' });
      const theirs = await them.ok.tags.save({ name: 'Delete errors theirs' });
      for (const tagId of ['999999999', 'abc', theirs.id]) {
        const res = await me.tags.detach(contact.id, tagId);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(RESOURCE_NOT_FOUND);
      }
      for (const id of [MISSING_CONTACT, (await them.ok.contacts.create({ role: 'lead' })).id]) {
        const res = await me.tags.detach(id, tag.id);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(USER_NOT_FOUND);
      }
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
    });
  });

  describe('the tags list of the contact object', () => {
    it('embeds at most ten references with the true total_count and has_more', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const tags = [];
      for (let i = 1; i <= 11; i++) tags.push(await me.ok.tags.save({ name: `Embedded ${i}` }));
      for (const tag of tags.slice(0, 10)) await me.tags.attach(contact.id, { id: tag.id }).expect(200);
      const ten = (await me.ok.contacts.get(contact.id)).tags;
      expect(ten).toEqual({
        type: 'list',
        data: tags.slice(0, 10).map((tag) => ({ type: 'tag', id: tag.id, url: `/tags/${tag.id}` })),
        url: `/contacts/${contact.id}/tags`,
        total_count: 10,
        has_more: false,
      });
      await me.tags.attach(contact.id, { id: tags[10].id }).expect(200);
      const eleven = (await me.ok.contacts.get(contact.id)).tags;
      expect(eleven.data).toEqual(ten.data);
      expect(eleven).toMatchObject({ total_count: 11, has_more: true });
      expect((await me.tags.of(contact.id)).body.data).toHaveLength(11);
      await me.tags.detach(contact.id, tags[0].id).expect(200);
      const afterUntag = (await me.ok.contacts.get(contact.id)).tags;
      expect(afterUntag.data.map((ref: { id: string }) => ref.id)).toEqual(tags.slice(1, 11).map((tag) => tag.id));
      expect(afterUntag).toMatchObject({ total_count: 10, has_more: false });
    });
  });

  it('answers 401 on every tag endpoint without a valid token', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    const tag = await me.ok.tags.save({ name: 'Auth' });
    const nobody = api(t).as(null);
    const calls = [
      () => nobody.tags.save({ name: 'x' }),
      () => nobody.tags.list(),
      () => nobody.tags.attach(contact.id, { id: tag.id }),
      () => nobody.tags.of(contact.id),
      () => nobody.tags.detach(contact.id, tag.id),
      () => api(t).as('wrong').tags.list(),
    ];
    for (const call of calls) {
      const res = await call();
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    }
    expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
  });
});
