import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorkspace } from '@app/workspaces';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { eventTypes, storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const USER_NOT_FOUND = { code: 'not_found', message: 'User Not Found' };
const RESOURCE_NOT_FOUND = { code: 'not_found', message: 'Resource Not Found' };
const OBJECT_ID = /^[0-9a-f]{24}$/;

describe('notes', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let other: CreatedWorkspace;
  /** The API as `ws`, and as `other`. */
  let me: Client;
  let them: Client;
  const author = (w: CreatedWorkspace) => ({
    type: 'admin',
    id: String(w.admin.id),
    name: w.admin.name,
    email: w.admin.email,
    away_mode_enabled: false,
    away_mode_reassign: false,
  });

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('notes');
    other = await t.newWorkspace('other');
    me = api(t).as(ws);
    them = api(t).as(other);
  });
  afterAll(() => t?.close());

  describe('POST /contacts/{id}/notes', () => {
    it('records NoteAdded and answers the note in Intercom order, the body wrapped in a paragraph', async () => {
      const contact = await me.ok.contacts.create({ email: 'note1@example.com' });
      const before = Math.floor(Date.now() / 1000);
      const res = await me.notes.add(contact.id, { body: 'hi', admin_id: String(ws.admin.id) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(Object.keys(res.body)).toEqual(['type', 'id', 'created_at', 'contact', 'author', 'body']);
      expect(res.body).toEqual({
        type: 'note',
        id: expect.stringMatching(OBJECT_ID),
        created_at: expect.any(Number),
        contact: { type: 'contact', id: contact.id },
        author: author(ws),
        body: '<p>hi</p>',
      });
      expect(Object.keys(res.body.author)).toEqual(['type', 'id', 'name', 'email', 'away_mode_enabled', 'away_mode_reassign']);
      expect(res.body.created_at).toBeGreaterThanOrEqual(before);
      expect(res.body.created_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

      const log = await storedEvents(t, contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'NoteAdded']);
      expect(log[1].data).toEqual({ note_id: res.body.id, body: '<p>hi</p>', admin_id: Number(ws.admin.id), occurred_at: res.body.created_at });
      expect(log[1].metadata).toMatchObject({ actor: { type: 'access_token' } });
      expect(log[1].metadata.request_id).toMatch(UUID);
      const row = await t.pool.query('SELECT contact_id, body, admin_id::text AS admin_id FROM contact_notes WHERE id = $1', [res.body.id]);
      expect(row.rows).toEqual([{ contact_id: contact.id, body: '<p>hi</p>', admin_id: String(ws.admin.id) }]);
    });

    it('takes admin_id as a number too, and without one writes as the workspace admin the token acts for', async () => {
      const second = await t.workspaces.createAdmin(ws.workspace_id, { name: 'Second Admin', email: 'second@notes.example' });
      const contact = await me.ok.contacts.create({ email: 'note2@example.com' });
      const byNumber = await me.notes.add(contact.id, { body: 'by number', admin_id: Number(second.id) });
      expect(byNumber.status, JSON.stringify(byNumber.body)).toBe(200);
      expect(byNumber.body.author).toEqual({ ...author(ws), id: String(second.id), name: 'Second Admin', email: 'second@notes.example' });
      const byDefault = await me.notes.add(contact.id, { body: 'no admin' });
      expect(byDefault.status).toBe(200);
      expect(byDefault.body.author).toEqual(author(ws));
      const withNull = await me.notes.add(contact.id, { body: 'null admin', admin_id: null });
      expect(withNull.body.author).toEqual(author(ws));
      expect((await storedEvents(t, contact.id)).slice(1).map((e) => e.data.admin_id)).toEqual([Number(second.id), Number(ws.admin.id), Number(ws.admin.id)]);
    });

    it('escapes the HTML special characters of plain text and keeps a body that is already markup', async () => {
      const contact = await me.ok.contacts.create({ email: 'note3@example.com' });
      const plain = await me.notes.add(contact.id, { body: `a < b & "c" > 'd'` });
      expect(plain.body.body).toBe('<p>a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;</p>');
      const html = await me.notes.add(contact.id, { body: '<b>bold</b> and <i>more</i>' });
      expect(html.body.body).toBe('<b>bold</b> and <i>more</i>');
      const notATag = await me.notes.add(contact.id, { body: '<3 you' });
      expect(notATag.body.body).toBe('<p>&lt;3 you</p>');
    });

    it('answers 404 User Not Found for a missing contact and for another workspace contact, recording nothing', async () => {
      const foreign = await them.ok.contacts.create({ email: 'foreign-note@example.com' });
      for (const id of ['000000000000000000000000', foreign.id]) {
        const res = await me.notes.add(id, { body: 'hi', admin_id: String(ws.admin.id) });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [USER_NOT_FOUND] });
      }
      expect(await eventTypes(t, foreign.id)).toEqual(['ContactCreated']);
    });

    it('answers 404 Resource Not Found for an admin that is not in the workspace, recording nothing', async () => {
      const contact = await me.ok.contacts.create({ email: 'note4@example.com' });
      for (const adminId of ['999999999', String(other.admin.id), Number(other.admin.id), 'abc', '-1', 1.5]) {
        const res = await me.notes.add(contact.id, { body: 'hi', admin_id: adminId });
        expect(res.status, String(adminId)).toBe(404);
        expect(res.body.errors).toEqual([RESOURCE_NOT_FOUND]);
      }
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
    });

    it('answers 400 parameter_invalid for a missing, empty, blank, non-string or oversized body and a malformed admin_id', async () => {
      const contact = await me.ok.contacts.create({ email: 'note5@example.com' });
      const bad: [object, string][] = [
        [{}, 'body'],
        [{ body: '' }, 'body'],
        [{ body: '   \n' }, 'body'],
        [{ body: 42 }, 'body'],
        [{ body: ['hi'] }, 'body'],
        [{ body: 'x'.repeat(64 * 1024 + 1) }, 'body'],
        [{ body: 'é'.repeat(32 * 1024 + 1) }, 'body'],
        [{ body: 'hi', admin_id: true }, 'admin_id'],
        [{ body: 'hi', admin_id: { id: 1 } }, 'admin_id'],
      ];
      for (const [body, field] of bad) {
        const res = await me.notes.add(contact.id, body);
        expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field });
      }
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
      const largest = await me.notes.add(contact.id, { body: 'x'.repeat(64 * 1024 - 7) });
      expect(largest.status).toBe(200);
      expect(largest.body.body).toHaveLength(64 * 1024);
    });
  });

  describe('GET /contacts/{id}/notes', () => {
    it('lists the notes newest first in numbered pages', async () => {
      const contact = await me.ok.contacts.create({ email: 'list-notes@example.com' });
      const ids: Record<string, string> = {};
      for (const text of ['one', 'two', 'three']) ids[text] = (await me.ok.notes.add(contact.id, { body: text })).id;
      const res = await me.notes.of(contact.id);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['type', 'data', 'total_count', 'pages']);
      expect(res.body.data.map((n: { id: string }) => n.id)).toEqual([ids.three, ids.two, ids.one]);
      expect(res.body.data.map((n: { body: string }) => n.body)).toEqual(['<p>three</p>', '<p>two</p>', '<p>one</p>']);
      expect(res.body.data[0]).toEqual({
        type: 'note',
        id: ids.three,
        created_at: expect.any(Number),
        contact: { type: 'contact', id: contact.id },
        author: author(ws),
        body: '<p>three</p>',
      });
      expect(res.body.total_count).toBe(3);
      expect(res.body.pages).toEqual({ type: 'pages', next: null, page: 1, per_page: 50, total_pages: 1 });

      const second = await me.notes.of(contact.id, { page: 2, per_page: 2 });
      expect(second.status).toBe(200);
      expect(second.body.data.map((n: { id: string }) => n.id)).toEqual([ids.one]);
      expect(second.body.total_count).toBe(3);
      expect(second.body.pages).toEqual({ type: 'pages', next: null, page: 2, per_page: 2, total_pages: 2 });
      const first = await me.notes.of(contact.id, { page: 1, per_page: 2 });
      expect(first.body.data.map((n: { id: string }) => n.id)).toEqual([ids.three, ids.two]);
      // 2.14's cursor_pages: next is {per_page, starting_after}.
      expect(first.body.pages).toEqual({ type: 'pages', next: { per_page: 2, starting_after: expect.any(String) }, page: 1, per_page: 2, total_pages: 2 });
      // The SDK pages on until a page comes back empty.
      const beyond = await me.notes.of(contact.id, { page: 3, per_page: 2 });
      expect(beyond.status).toBe(200);
      expect(beyond.body).toMatchObject({ data: [], total_count: 3 });
    });

    it('follows pages.next.starting_after, in place while notes are added', async () => {
      const contact = await me.ok.contacts.create({ email: 'cursor-notes@example.com' });
      const ids: string[] = [];
      for (const text of ['n1', 'n2', 'n3', 'n4', 'n5']) ids.push((await me.ok.notes.add(contact.id, { body: text })).id);
      const first = await me.ok.notes.of(contact.id, { per_page: 2 });
      expect(first.data.map((n: { id: string }) => n.id)).toEqual([ids[4], ids[3]]);
      // A note added between two pages does not shift the next one (a page number would show n3 twice).
      await me.ok.notes.add(contact.id, { body: 'late' });
      const second = await me.ok.notes.of(contact.id, { per_page: 2, starting_after: first.pages.next.starting_after });
      expect(second.data.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
      expect(second.pages).toMatchObject({ page: 2, per_page: 2, total_pages: 3, next: { per_page: 2 } });
      const third = await me.ok.notes.of(contact.id, { per_page: 2, starting_after: second.pages.next.starting_after });
      expect(third.data.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
      expect(third.pages).toEqual({ type: 'pages', next: null, page: 3, per_page: 2, total_pages: 3 });
      for (const bad of ['nope', Buffer.from('notes:1:3').toString('base64url'), 'x'.repeat(65)]) {
        const res = await me.notes.of(contact.id, { starting_after: bad });
        expect(res.status, bad).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'starting_after' });
      }
    });

    it('answers an empty list for a contact without notes', async () => {
      const contact = await me.ok.contacts.create({ email: 'no-notes@example.com' });
      const list = await me.ok.notes.of(contact.id);
      expect(list).toEqual({ type: 'list', data: [], total_count: 0, pages: { type: 'pages', next: null, page: 1, per_page: 50, total_pages: 0 } });
    });

    it('answers 400 for bad page numbers and 404 for a missing or foreign contact', async () => {
      const contact = await me.ok.contacts.create({ email: 'bad-pages@example.com' });
      for (const query of ['page=0', 'page=abc', 'per_page=0', 'per_page=151', 'per_page=1.5']) {
        const res = await me.get(`/contacts/${contact.id}/notes?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.errors[0].code).toBe('parameter_invalid');
      }
      const foreign = await them.ok.contacts.create({ email: 'foreign-list@example.com' });
      await them.notes.add(foreign.id, { body: 'theirs' }).expect(200);
      for (const id of ['000000000000000000000000', foreign.id]) {
        const res = await me.notes.of(id);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual([USER_NOT_FOUND]);
      }
    });

    it('follows the notes of a merged lead to the user, and forgets those of a deleted contact', async () => {
      const lead = await me.ok.contacts.create({ role: 'lead', name: 'Lead' });
      const user = await me.ok.contacts.create({ email: 'merge-notes@example.com' });
      const leadNote = (await me.ok.notes.add(lead.id, { body: 'from the lead' })).id;
      const userNote = (await me.ok.notes.add(user.id, { body: 'on the user' })).id;
      await me.contacts.merge({ from: lead.id, into: user.id }).expect(200);
      const onUser = await me.ok.notes.of(user.id);
      expect(onUser.data.map((n: { id: string }) => n.id).sort()).toEqual([leadNote, userNote].sort());
      expect(onUser.data.every((n: { contact: { id: string } }) => n.contact.id === user.id)).toBe(true);
      expect((await me.notes.of(lead.id)).status).toBe(404);

      await me.contacts.delete(user.id).expect(200);
      expect((await me.notes.of(user.id)).status).toBe(404);
      expect((await me.notes.get(userNote)).status).toBe(404);
    });
  });

  describe('GET /notes/{id}', () => {
    it('answers the note, and 404 Resource Not Found for a missing or foreign one', async () => {
      const contact = await me.ok.contacts.create({ email: 'get-note@example.com' });
      const created = await me.ok.notes.add(contact.id, { body: 'find me' });
      const res = await me.notes.get(created.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(created);
      const foreign = await them.ok.contacts.create({ email: 'foreign-note2@example.com' });
      const theirs = (await them.ok.notes.add(foreign.id, { body: 'theirs' })).id;
      for (const id of [theirs, 'nope']) {
        const missing = await me.notes.get(id);
        expect(missing.status).toBe(404);
        expect(missing.body.errors).toEqual([RESOURCE_NOT_FOUND]);
      }
    });
  });

  it('embeds the latest ten notes, newest first, in GET /contacts/{id}', async () => {
    const contact = await me.ok.contacts.create({ email: 'embedded-notes@example.com' });
    const ids: string[] = [];
    for (let n = 1; n <= 11; n++) ids.push((await me.ok.notes.add(contact.id, { body: `note ${n}` })).id);
    const read = await me.ok.contacts.get(contact.id);
    expect(read.notes).toEqual({
      type: 'list',
      data: [...ids].reverse().slice(0, 10).map((id) => ({ type: 'note', id, url: `/notes/${id}` })),
      url: `/contacts/${contact.id}/notes`,
      total_count: 11,
      has_more: true,
    });
    const listed = await me.ok.notes.of(contact.id);
    expect(listed.data.map((n: { id: string }) => n.id)).toEqual([...ids].reverse());
  });

  it('answers 401 without a valid token', async () => {
    const contact = await me.ok.contacts.create({ email: 'note-401@example.com' });
    const nobody = api(t).as(null);
    const calls = [nobody.notes.add(contact.id, { body: 'hi' }), nobody.notes.of(contact.id), api(t).as('nope').notes.get('anything')];
    for (const call of calls) {
      const res = await call;
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    }
    expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
  });
});
