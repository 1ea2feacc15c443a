import { LIMITS } from '@app/intercom';
import type { CreatedWorkspace } from '@app/workspaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Json, api, version } from './support/api.js';
import { writeLongStream } from './support/long-stream.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const NOTES = 400;
const ids = (items: Json[], key = 'id') => items.map((item) => item[key] as string);

/**
 * The lists beside GET /contacts and search: each page costs its own rows, however long the list. Paged
 * lists are walked to the end (every item once, in the documented order) and a deep page is held to the
 * whole list; unpaged lists are held to their cap, which refuses one more and changes nothing.
 */
describe('list bounds', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let as: Client;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('lists');
    as = api(t).as(ws);
  });
  afterAll(() => t?.close());

  describe('GET /contacts/{id}/notes', () => {
    let contactId: string;
    /** The contact's note ids in the order they came to it. */
    const written: string[] = [];
    const base = Math.floor(Date.now() / 1000) - 10_000;

    beforeAll(async () => {
      contactId = await writeLongStream(t, ws.workspace_id, {
        count: NOTES + 1,
        createdAt: base,
        eventAt: (p) => {
          const noteId = `${(base + p).toString(16).padStart(8, '0')}${String(p).padStart(16, '0')}`;
          written.push(noteId);
          return { type: 'NoteAdded', data: { note_id: noteId, body: `<p>note ${p}</p>`, admin_id: ws.admin.id, occurred_at: base + p } };
        },
      });
    });

    it('pages through every note once, newest first, with the total from the contact', async () => {
      const seen: string[] = [];
      let page = 1;
      for (;;) {
        const res = await as.ok.notes.of(contactId, { page, per_page: 37 });
        expect(res.total_count).toBe(NOTES);
        expect(res.pages).toMatchObject({ page, per_page: 37, total_pages: Math.ceil(NOTES / 37) });
        seen.push(...ids(res.data));
        if (!res.pages.next) break;
        expect(res.pages.next).toEqual({ per_page: 37, starting_after: expect.any(String) });
        page++;
      }
      expect(page).toBe(Math.ceil(NOTES / 37));
      expect(seen).toEqual([...written].reverse());
      // Following pages.next.starting_after reads the same pages.
      const followed: string[] = [];
      let cursor: string | undefined;
      do {
        const res: Json = await as.ok.notes.of(contactId, { per_page: 37, ...(cursor ? { starting_after: cursor } : {}) });
        followed.push(...ids(res.data));
        cursor = res.pages.next?.starting_after;
      } while (cursor);
      expect(followed).toEqual(seen);
      const beyond = await as.ok.notes.of(contactId, { page: page + 1, per_page: 37 });
      expect(beyond).toMatchObject({ data: [], total_count: NOTES });
    });

    it('answers a deep page as the same slice of the whole list, bodies and authors included', async () => {
      const whole: Json[] = [];
      for (let page = 1; page <= Math.ceil(NOTES / 150); page++) whole.push(...(await as.ok.notes.of(contactId, { page, per_page: 150 })).data);
      expect(whole).toHaveLength(NOTES);
      const deep = await as.ok.notes.of(contactId, { page: 10, per_page: 40 });
      expect(deep.data).toEqual(whole.slice(360, 400));
      expect(deep.data[39]).toMatchObject({ id: written[0], body: '<p>note 2</p>', author: { id: String(ws.admin.id) }, created_at: base + 2 });
    });

    it('lists a merged lead\'s notes as the newest, as the contact embeds them', async () => {
      const user = await as.ok.contacts.create({ email: 'notes-merge@example.com' });
      const lead = await as.ok.contacts.create({ role: 'lead' });
      const leadNote = (await as.ok.notes.add(lead.id, { body: 'lead' })).id;
      const userNotes = [(await as.ok.notes.add(user.id, { body: 'u1' })).id, (await as.ok.notes.add(user.id, { body: 'u2' })).id];
      await as.contacts.merge({ from: lead.id, into: user.id }).expect(200);
      const listed = await as.ok.notes.of(user.id);
      expect(ids(listed.data)).toEqual([leadNote, userNotes[1], userNotes[0]]);
      expect(ids((await as.ok.contacts.get(user.id)).notes.data)).toEqual(ids(listed.data));
    });
  });

  describe('GET /contacts/{id}/merge_history', () => {
    let userId: string;
    let stored: string[];
    const v216 = version('2.16');

    beforeAll(async () => {
      userId = (await as.ok.contacts.create({ email: 'merged-into@example.com' })).id;
      const elsewhere = (await as.ok.contacts.create({ email: 'merged-elsewhere@example.com' })).id;
      for (let n = 0; n < 9; n++) {
        const lead = await as.ok.contacts.create({ role: 'lead' });
        await as.contacts.merge({ from: lead.id, into: n % 3 === 2 ? elsewhere : userId }).expect(200);
      }
      const { rows } = await t.pool.query('SELECT from_id FROM contact_merges WHERE workspace_id = $1 AND into_id = $2 ORDER BY merged_at, from_id', [ws.workspace_id, userId]);
      stored = rows.map((row) => row.from_id);
      expect(stored).toHaveLength(6);
    });

    async function walk(order: 'asc' | 'desc'): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await as.ok.contacts.mergeHistory(userId, { per_page: 4, order, ...(cursor ? { cursor } : {}) }, v216);
        expect(res.data.length).toBeLessThanOrEqual(4);
        expect(res.has_more).toBe(res.next_cursor !== null);
        seen.push(...ids(res.data, 'source_contact_id'));
        cursor = res.next_cursor ?? undefined;
      } while (cursor);
      return seen;
    }

    it('pages every merge into the user once, by merge time then id, in both orders', async () => {
      expect(await walk('asc')).toEqual(stored);
      expect(await walk('desc')).toEqual([...stored].reverse());
      const deep = await as.ok.contacts.mergeHistory(userId, { per_page: 150 }, v216);
      expect(ids(deep.data, 'source_contact_id')).toEqual([...stored].reverse());
      expect(deep).toMatchObject({ next_cursor: null, has_more: false });
    });

    it('refuses a cursor of the other order, or one it never made', async () => {
      const first = await as.ok.contacts.mergeHistory(userId, { per_page: 2, order: 'asc' }, v216);
      for (const query of [{ order: 'desc', cursor: first.next_cursor }, { cursor: 'bm9wZQ' }, { cursor: Buffer.from('m2').toString('base64url') }]) {
        const res = await as.contacts.mergeHistory(userId, query, v216);
        expect(res.status).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'cursor' });
      }
    });
  });

  describe('caps on the unpaged lists', () => {
    let capped: CreatedWorkspace;
    let me: Client;

    beforeAll(async () => {
      capped = await t.newWorkspace('capped');
      me = api(t).as(capped);
    });

    it(`GET /tags: at most ${LIMITS.tagsPerWorkspace} tags, refused past it with nothing written`, async () => {
      await t.pool.query(`INSERT INTO tags (workspace_id, name, created_at) SELECT $1, 'seeded ' || k, 1 FROM generate_series(1, $2::int) k`, [
        capped.workspace_id,
        LIMITS.tagsPerWorkspace - 2,
      ]);
      const last = await me.ok.tags.save({ name: 'last one' });
      // Racing requests for new names at the last place: the lock lets exactly one in.
      const raced = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((name) => me.tags.save({ name })));
      expect(raced.filter((res) => res.status === 200)).toHaveLength(1);
      for (const res of raced.filter((r) => r.status !== 200)) {
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ code: 'parameter_invalid', field: 'name', message: `A workspace can have at most ${LIMITS.tagsPerWorkspace} tags; rename one instead` }]);
      }
      // At the cap, a name already taken (any case) still answers its tag, and renaming still works.
      expect(await me.ok.tags.save({ name: 'LAST ONE' })).toEqual({ type: 'tag', id: last.id, name: 'last one' });
      expect(await me.ok.tags.save({ id: last.id, name: 'renamed' })).toMatchObject({ id: last.id, name: 'renamed' });
      const listed = await me.ok.tags.list();
      expect(listed.data).toHaveLength(LIMITS.tagsPerWorkspace);
      const listedIds = ids(listed.data).map(Number);
      expect(listedIds).toEqual([...listedIds].sort((a, b) => a - b));
      expect(new Set(listedIds).size).toBe(LIMITS.tagsPerWorkspace);
    });

    it(`GET /data_attributes: at most ${LIMITS.dataAttributesPerModelWithArchived} of a model, archived ones included`, async () => {
      await t.pool.query(
        `INSERT INTO data_attributes (workspace_id, model, name, label, data_type, archived, created_at, updated_at)
         SELECT $1, 'contact', 'archived_' || k, 'archived_' || k, 'string', true, 1, 1 FROM generate_series(1, $2::int) k`,
        [capped.workspace_id, LIMITS.dataAttributesPerModelWithArchived - 1],
      );
      await me.dataAttributes.define('the_last', 'string').expect(200);
      const over = await me.dataAttributes.define('one_more', 'string');
      expect(over.status).toBe(400);
      expect(over.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'name', message: expect.stringMatching(/at most 1000 contact data attributes, archived ones included/) });
      const listed = await me.ok.get('/data_attributes?model=contact&include_archived=true');
      const custom = listed.data.filter((a: Json) => a.custom);
      expect(custom).toHaveLength(LIMITS.dataAttributesPerModelWithArchived);
      expect(custom.some((a: Json) => a.name === 'one_more')).toBe(false);
      // Companies keep their own room.
      await me.post('/data_attributes', { name: 'the_last', model: 'company', data_type: 'string' }).expect(200);
    });

    it(`GET /admins: at most ${LIMITS.adminsPerWorkspace} admins; GET /me reads the first alone`, async () => {
      await t.pool.query(`INSERT INTO admins (workspace_id, name, email) SELECT $1, 'a' || k, 'a' || k || '@capped.example' FROM generate_series(1, $2::int) k`, [
        capped.workspace_id,
        LIMITS.adminsPerWorkspace - 2,
      ]);
      await t.workspaces.createAdmin(capped.workspace_id, { name: 'Last', email: 'last@capped.example' });
      await expect(t.workspaces.createAdmin(capped.workspace_id, { name: 'Over', email: 'over@capped.example' })).rejects.toMatchObject({
        code: 'parameter_invalid',
        message: `A workspace can have at most ${LIMITS.adminsPerWorkspace} admins`,
      });
      const listed = await me.ok.admins.list();
      expect(listed.admins).toHaveLength(LIMITS.adminsPerWorkspace);
      expect(listed.admins.some((a: Json) => a.email === 'over@capped.example')).toBe(false);
      expect(await me.ok.admins.me()).toMatchObject({ id: String(capped.admin.id), email: capped.admin.email });
    });
  });
});
