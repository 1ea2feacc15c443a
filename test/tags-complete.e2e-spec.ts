import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TagDetacher } from '../libs/contacts/src/tags/tag-detacher.js';
import { TagCatalog } from '../libs/contacts/src/tags/tag-catalog.repository.js';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const RESOURCE_NOT_FOUND = [{ code: 'not_found', message: 'Resource Not Found' }];
const USER_NOT_FOUND = [{ code: 'not_found', message: 'User Not Found' }];
const error = (errors: object[]) => ({ type: 'error.list', request_id: expect.stringMatching(UUID), errors });

describe('tags: find, delete, bulk tagging, applied_by', () => {
  let t: TestApp;
  let me: Client;
  let them: Client;
  let myAdmin: string;

  beforeAll(async () => {
    t = await startTestApp();
    const mine = await t.newWorkspace();
    myAdmin = String(mine.admin.id);
    me = api(t).as(mine);
    them = api(t).as(await t.newWorkspace('other'));
  });
  afterAll(() => t?.close());

  const tagIdsOf = async (id: string) => (await me.ok.contacts.get(id)).tags.data.map((tag: { id: string }) => tag.id);

  describe('GET /tags/{id}', () => {
    it("answers the tag as tag_basic, and 404 Resource Not Found for an unknown, malformed or another workspace's id", async () => {
      const tag = await me.ok.tags.save({ name: 'Findable' });
      const res = await me.get(`/tags/${tag.id}`);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['type', 'id', 'name']);
      expect(res.body).toEqual({ type: 'tag', id: tag.id, name: 'Findable' });
      for (const [who, id] of [[me, '999999999'], [me, 'abc'], [them, tag.id]] as const) {
        const missing = await who.get(`/tags/${id}`);
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual(error(RESOURCE_NOT_FOUND));
      }
    });
  });

  describe('DELETE /tags/{id}', () => {
    it('answers 200 with no body and takes the tag off every contact as ContactUntagged events of the request', async () => {
      const tag = await me.ok.tags.save({ name: 'Doomed' });
      const keep = await me.ok.tags.save({ name: 'Kept' });
      const contacts = [await me.ok.contacts.create({ email: 'doomed-1@example.com' }), await me.ok.contacts.create({ role: 'lead' })];
      const archived = await me.ok.contacts.create({ email: 'doomed-archived@example.com' });
      for (const contact of [...contacts, archived]) await me.ok.tags.attach(contact.id, { id: tag.id });
      await me.ok.tags.attach(contacts[0].id, { id: keep.id });
      await me.contacts.archive(archived.id).expect(200);

      const res = await me.delete(`/tags/${tag.id}`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      for (const contact of [...contacts, archived]) {
        const log = await storedEvents(t, contact.id);
        const untagged = log.filter((event) => event.event_type === 'ContactUntagged');
        expect(untagged).toHaveLength(1);
        expect(untagged[0].data).toEqual({ tag_id: tag.id, occurred_at: expect.any(Number) });
        expect(untagged[0].metadata.request_id).toMatch(UUID);
      }
      expect(await tagIdsOf(contacts[0].id)).toEqual([keep.id]);
      expect(await tagIdsOf(contacts[1].id)).toEqual([]);
      expect((await me.ok.tags.list()).data.map((listed: { id: string }) => listed.id)).not.toContain(tag.id);
      expect((await me.get(`/tags/${tag.id}`)).status).toBe(404);
      const search = await me.ok.contacts.search({ query: { field: 'tag_id', operator: '=', value: tag.id } });
      expect(search.total_count).toBe(0);
      const deletion = await t.pool.query('SELECT detached, done_at FROM tag_deletions WHERE tag_id = $1', [tag.id]);
      expect(deletion.rows).toEqual([{ detached: 3, done_at: expect.any(Number) }]);
    });

    it('frees the name, refuses the tag for tagging, and answers 404 for it again or for another workspace', async () => {
      const tag = await me.ok.tags.save({ name: 'Reborn' });
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const theirs = await them.ok.tags.save({ name: 'Theirs' });
      expect((await me.delete(`/tags/${theirs.id}`)).status).toBe(404);
      expect((await them.get(`/tags/${theirs.id}`)).status).toBe(200);
      await me.delete(`/tags/${tag.id}`).expect(200);
      const again = await me.delete(`/tags/${tag.id}`);
      expect(again.status).toBe(404);
      expect(again.body).toEqual(error(RESOURCE_NOT_FOUND));
      const tagging = await me.tags.attach(contact.id, { id: tag.id });
      expect(tagging.status).toBe(404);
      expect(tagging.body.errors).toEqual(RESOURCE_NOT_FOUND);
      const reborn = await me.ok.tags.save({ name: 'reborn' });
      expect(reborn.id).not.toBe(tag.id);
      expect((await me.delete('/tags/not-a-tag')).status).toBe(404);
    });

    it('is refused with 400 tag_has_dependent_objects while a segment names the tag, and changes nothing', async () => {
      const tag = await me.ok.tags.save({ name: 'Segmented' });
      const contact = await me.ok.contacts.create({ email: 'segmented@example.com' });
      await me.ok.tags.attach(contact.id, { id: tag.id });
      const segment = await me.ok.post('/segment_definitions', { name: 'Seg 1', query: { field: 'tag_id', operator: '=', value: tag.id } });
      const res = await me.delete(`/tags/${tag.id}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error([{ code: 'tag_has_dependent_objects', message: 'Unable to delete Tag with dependent objects. Segments: Seg 1.' }]));
      expect(await tagIdsOf(contact.id)).toEqual([tag.id]);
      expect((await me.get(`/tags/${tag.id}`)).status).toBe(200);
      await me.delete(`/segment_definitions/${segment.id}`).expect(200);
      await me.delete(`/tags/${tag.id}`).expect(200);
      expect(await tagIdsOf(contact.id)).toEqual([]);
    });

    it('leaves the contacts past the first batches to the background walk, which drains in claimed batches with a cursor', async () => {
      const contacts = await Promise.all(Array.from({ length: 250 }, (_, i) => me.ok.contacts.create({ email: `walk-${i}@example.com` })));
      for (let i = 0; i < contacts.length; i += 100) {
        await me.ok.tags.save({ name: 'Walked', users: contacts.slice(i, i + 100).map((contact) => ({ id: contact.id })) });
      }
      const tag = (await me.ok.tags.list()).data.find((listed: { name: string }) => listed.name === 'Walked');
      // As DELETE does, without its walk in the request: the worker's loop calls step().
      const workspaceId = (await t.pool.query('SELECT workspace_id FROM tags WHERE id = $1', [tag.id])).rows[0].workspace_id;
      await t.app.get(TagCatalog).remove(workspaceId, tag.id, { actor: { type: 'system', id: 'test' }, request_id: null });
      const detacher = t.app.get(TagDetacher);
      const progress = () => t.pool.query('SELECT cursor, detached::int, done_at FROM tag_deletions WHERE tag_id = $1', [tag.id]).then((r) => r.rows[0]);
      expect(await detacher.step()).toBe(true);
      const first = await progress();
      expect(first).toMatchObject({ detached: 200, done_at: null });
      expect(first.cursor).toBe([...contacts.map((contact) => contact.id)].sort()[199]);
      while (await detacher.step());
      expect(await progress()).toMatchObject({ detached: 250, done_at: expect.any(Number) });
      const still = await t.pool.query(`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1 AND state->'tag_ids' ? $2`, [workspaceId, tag.id]);
      expect(still.rows[0].n).toBe(0);
      expect(await detacher.step()).toBe(false);
    });
  });

  describe('POST /tags with users', () => {
    it('tags contacts named by id, user_id or email, applied by the first admin, and answers tag_basic', async () => {
      const byId = await me.ok.contacts.create({ role: 'lead' });
      const byUserId = await me.ok.contacts.create({ external_id: 'bulk-ext-1' });
      const byEmail = await me.ok.contacts.create({ email: 'Bulk-Email@example.com' });
      const res = await me.post('/tags', { name: 'Bulk', users: [{ id: byId.id }, { user_id: 'bulk-ext-1' }, { email: 'bulk-email@example.com' }] });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['type', 'id', 'name']);
      expect(res.body).toEqual({ type: 'tag', id: expect.stringMatching(/^\d+$/), name: 'Bulk' });
      for (const contact of [byId, byUserId, byEmail]) {
        const tags = await me.ok.tags.of(contact.id);
        expect(tags.data).toEqual([{ ...res.body, applied_at: expect.any(Number), applied_by: { type: 'admin', id: myAdmin } }]);
        const tagged = (await storedEvents(t, contact.id)).filter((event) => event.event_type === 'ContactTagged');
        expect(tagged.map((event) => event.data)).toEqual([{ tag_id: res.body.id, admin_id: Number(myAdmin), occurred_at: expect.any(Number) }]);
      }
      // Again: the same tag by name, nothing new recorded.
      await me.post('/tags', { name: 'BULK', users: [{ id: byId.id }] }).expect(200);
      expect((await storedEvents(t, byId.id)).filter((event) => event.event_type === 'ContactTagged')).toHaveLength(1);
    });

    it('untags the entries marked untag: true and tags the others in one request', async () => {
      const [a, b] = [await me.ok.contacts.create({ role: 'lead' }), await me.ok.contacts.create({ role: 'lead' })];
      const tag = await me.ok.tags.save({ name: 'Mixed', users: [{ id: a.id }] });
      await me.post('/tags', { name: 'Mixed', users: [{ id: a.id, untag: true }, { id: b.id }] }).expect(200);
      expect(await tagIdsOf(a.id)).toEqual([]);
      expect(await tagIdsOf(b.id)).toEqual([tag.id]);
      expect((await storedEvents(t, a.id)).map((event) => event.event_type)).toEqual(['ContactCreated', 'ContactTagged', 'ContactUntagged']);
    });

    it('answers 404 User Not Found when any contact is missing, and changes nothing (not even the tag)', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const theirs = await them.ok.contacts.create({ email: 'bulk-theirs@example.com' });
      const lead = await me.ok.contacts.create({ role: 'lead', email: 'bulk-lead@example.com' });
      for (const missing of [{ id: '650cbc286d0a728750658b15' }, { id: theirs.id }, { email: 'bulk-theirs@example.com' }, { user_id: 'nobody' }, { email: 'bulk-lead@example.com' }]) {
        const res = await me.post('/tags', { name: 'Never made', users: [{ id: contact.id }, missing] });
        expect(res.status).toBe(404);
        expect(res.body).toEqual(error(USER_NOT_FOUND));
      }
      expect(await tagIdsOf(contact.id)).toEqual([]);
      expect(await tagIdsOf(lead.id)).toEqual([]);
      expect((await me.ok.tags.list()).data.map((tag: { name: string }) => tag.name)).not.toContain('Never made');
    });

    it.each([
      ['an entry without id, user_id or email', { name: 'x', users: [{ untag: true }] }, 'users'],
      ['a non-array users', { name: 'x', users: 'all' }, 'users'],
      ['101 users', { name: 'x', users: Array.from({ length: 101 }, (_, i) => ({ user_id: `u${i}` })) }, 'users'],
      ['a non-boolean untag', { name: 'x', users: [{ id: 'a', untag: 'yes' }] }, 'users'],
      ['users with an id to rename', { id: '7500001', name: 'x', users: [] }, 'id'],
      ['users without a name', { users: [{ id: 'a' }] }, 'name'],
    ])('refuses %s with 400 parameter_invalid', async (_, body, field) => {
      const res = await me.post('/tags', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error([expect.objectContaining({ code: 'parameter_invalid', field: expect.stringContaining(field) })]));
    });
  });
});
