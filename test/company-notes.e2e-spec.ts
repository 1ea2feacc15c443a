import { IntercomClient } from 'intercom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorkspace } from '@app/workspaces';
import { type Client, type Json, api, version } from './support/api.js';
import { UUID } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const V216 = version('2.16');
const OBJECT_ID = /^[0-9a-f]{24}$/;
const COMPANY_NOT_FOUND = [{ code: 'company_not_found', message: 'Company Not Found' }];
const RESOURCE_NOT_FOUND = [{ code: 'not_found', message: 'Resource Not Found' }];

const errorOf = (res: { status: number; body: Json }, status: number, errors?: Json[]) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body)).toEqual(['type', 'request_id', 'errors']);
  expect(res.body).toMatchObject({ type: 'error.list', request_id: expect.stringMatching(UUID) });
  if (errors) expect(res.body.errors).toEqual(errors);
  else expect(res.body.errors).toEqual([expect.objectContaining({ code: expect.any(String), message: expect.any(String) })]);
  expect(JSON.stringify(res.body)).not.toMatch(/SELECT|INSERT|stack|at .*\.ts/);
};

describe('2.16 company notes: GET and POST /companies/{id}/notes', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let me: Client;
  let them: Client;
  const notesOf = (id: string) => `/companies/${id}/notes`;
  const shortAuthor = (w: CreatedWorkspace) => ({
    type: 'admin',
    id: String(w.admin.id),
    name: w.admin.name,
    email: w.admin.email,
    away_mode_enabled: false,
    away_mode_reassign: false,
  });
  const listedAuthor = (w: CreatedWorkspace) => ({
    ...shortAuthor(w),
    away_status_reason_id: null,
    has_inbox_seat: true,
    team_ids: [],
    team_priority_level: {},
  });
  const add = (id: string, body: object, headers: Record<string, string> = V216) => me.post(notesOf(id), body, headers);
  const list = (id: string, query = '', headers: Record<string, string> = V216) => me.get(`${notesOf(id)}${query}`, headers);
  const newCompany = (companyId: string) => me.ok.companies.save({ company_id: companyId, name: companyId });

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('company-notes');
    me = api(t).as(ws);
    them = api(t).as(await t.newWorkspace('company-notes-other'));
  });
  afterAll(() => t?.close());

  it('records CompanyNoteAdded on the company stream and answers the note in the example order', async () => {
    const company = await newCompany('notes-1');
    const before = Math.floor(Date.now() / 1000);
    const res = await add(company.id, { body: 'Hello', admin_id: String(ws.admin.id) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body)).toEqual(['type', 'id', 'created_at', 'company', 'author', 'body']);
    expect(res.body).toEqual({
      type: 'note',
      id: expect.stringMatching(OBJECT_ID),
      created_at: expect.any(Number),
      company: { type: 'company', id: company.id },
      author: shortAuthor(ws),
      body: '<p>Hello</p>',
    });
    expect(Object.keys(res.body.author)).toEqual(['type', 'id', 'name', 'email', 'away_mode_enabled', 'away_mode_reassign']);
    expect(res.body.created_at).toBeGreaterThanOrEqual(before);

    const log = await storedEvents(t, company.id);
    expect(log.map((e) => e.event_type)).toEqual(['CompanyCreated', 'CompanyNoteAdded']);
    expect(log[1].data).toEqual({ note_id: res.body.id, body: '<p>Hello</p>', admin_id: Number(ws.admin.id), occurred_at: res.body.created_at });
    expect(log[1].metadata.request_id).toMatch(UUID);
    const row = await t.pool.query('SELECT company_id, position, body, admin_id::text AS admin_id FROM company_notes WHERE id = $1', [res.body.id]);
    expect(row.rows).toEqual([{ company_id: company.id, position: 1, body: '<p>Hello</p>', admin_id: String(ws.admin.id) }]);

    // The company itself is unchanged by a note: same object, same updated_at.
    expect(await me.ok.companies.get(company.id)).toEqual(company);
  });

  it('lists the notes newest first as the listCompanyNotes example, and takes admin_id as a number or none', async () => {
    const second = await t.workspaces.createAdmin(ws.workspace_id, { name: 'Second Admin', email: 'second@company-notes.example' });
    const company = await newCompany('notes-2');
    const empty = await list(company.id);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ type: 'list', data: [], total_count: 0, pages: { type: 'pages', next: null, page: 1, per_page: 50, total_pages: 0 } });

    const first = (await add(company.id, { body: 'first' })).body;
    const byNumber = (await add(company.id, { body: '<b>second</b>', admin_id: Number(second.id) })).body;
    expect(first.author).toEqual(shortAuthor(ws));
    expect(byNumber.author).toEqual({ ...shortAuthor(ws), id: String(second.id), name: 'Second Admin', email: 'second@company-notes.example' });
    expect(byNumber.body).toBe('<b>second</b>');

    const res = await list(company.id);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['type', 'data', 'total_count', 'pages']);
    expect(res.body.total_count).toBe(2);
    expect(res.body.pages).toEqual({ type: 'pages', next: null, page: 1, per_page: 50, total_pages: 1 });
    expect(res.body.data.map((n: Json) => n.id)).toEqual([byNumber.id, first.id]);
    expect(Object.keys(res.body.data[1])).toEqual(['type', 'id', 'created_at', 'company', 'author', 'body']);
    expect(Object.keys(res.body.data[1].author)).toEqual([
      'type', 'id', 'name', 'email', 'away_mode_enabled', 'away_mode_reassign', 'away_status_reason_id', 'has_inbox_seat', 'team_ids', 'team_priority_level',
    ]);
    expect(res.body.data[1]).toEqual({ ...first, author: listedAuthor(ws) });
  });

  it('pages by number and by pages.next.starting_after, a cursor staying in place while notes are added', async () => {
    const company = await newCompany('notes-paging');
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await add(company.id, { body: `note ${i}` })).body.id);
    const newest = [...made].reverse();

    const one = (await list(company.id, '?per_page=3')).body;
    expect(one.data.map((n: Json) => n.id)).toEqual(newest.slice(0, 3));
    expect(one.total_count).toBe(7);
    expect(one.pages).toEqual({ type: 'pages', next: { per_page: 3, starting_after: expect.any(String) }, page: 1, per_page: 3, total_pages: 3 });
    const three = (await list(company.id, '?per_page=3&page=3')).body;
    expect(three.data.map((n: Json) => n.id)).toEqual(newest.slice(6));
    expect(three.pages).toMatchObject({ next: null, page: 3 });
    expect((await list(company.id, '?per_page=3&page=4')).body.data).toEqual([]);

    // A note added after page 1 does not shift page 2 of the cursor.
    const late = (await add(company.id, { body: 'late' })).body.id;
    const two = (await list(company.id, `?per_page=3&starting_after=${one.pages.next.starting_after}`)).body;
    expect(two.data.map((n: Json) => n.id)).toEqual(newest.slice(3, 6));
    expect(two.total_count).toBe(8);
    expect(two.pages).toMatchObject({ page: 2, per_page: 3, total_pages: 3 });
    const last = (await list(company.id, `?per_page=3&starting_after=${two.pages.next.starting_after}`)).body;
    expect(last.data.map((n: Json) => n.id)).toEqual(newest.slice(6));
    expect(last.pages.next).toBeNull();
    expect((await list(company.id, '?per_page=1')).body.data.map((n: Json) => n.id)).toEqual([late]);
  });

  it('numbers concurrent notes 1 to n with no gap or repeat, and lists them all', async () => {
    const company = await newCompany('notes-concurrent');
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => add(company.id, { body: `c${i}` })));
    for (const res of made) expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { rows } = await t.pool.query('SELECT position FROM company_notes WHERE company_id = $1 ORDER BY position', [company.id]);
    expect(rows.map((r) => r.position)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const listed = (await list(company.id, '?per_page=150')).body;
    expect(listed.total_count).toBe(12);
    expect(listed.data.map((n: Json) => n.id).sort()).toEqual(made.map((res) => res.body.id).sort());
  });

  it('answers 404 company_not_found for an unknown, deleted or other workspace company, and 404 for an unknown admin', async () => {
    const company = await newCompany('notes-404');
    errorOf(await list('5f4d3c1c7b1b4d7da9706095'), 404, COMPANY_NOT_FOUND);
    errorOf(await add('5f4d3c1c7b1b4d7da9706095', { body: 'x' }), 404, COMPANY_NOT_FOUND);
    errorOf(await them.get(notesOf(company.id), V216), 404, COMPANY_NOT_FOUND);
    errorOf(await them.post(notesOf(company.id), { body: 'x' }, V216), 404, COMPANY_NOT_FOUND);
    // The company's 404 comes first, then the admin's.
    errorOf(await add('5f4d3c1c7b1b4d7da9706095', { body: 'x', admin_id: '123' }), 404, COMPANY_NOT_FOUND);
    for (const admin_id of ['123', 'abc', 5, -1]) errorOf(await add(company.id, { body: 'x', admin_id }), 404, RESOURCE_NOT_FOUND);
    const otherAdmin = (await t.newWorkspace('company-notes-third')).admin.id;
    errorOf(await add(company.id, { body: 'x', admin_id: String(otherAdmin) }), 404, RESOURCE_NOT_FOUND);

    await add(company.id, { body: 'kept' });
    await me.ok.companies.delete(company.id);
    errorOf(await list(company.id), 404, COMPANY_NOT_FOUND);
    errorOf(await add(company.id, { body: 'x' }), 404, COMPANY_NOT_FOUND);
    expect((await storedEvents(t, company.id)).map((e) => e.event_type)).toEqual(['CompanyCreated', 'CompanyNoteAdded', 'CompanyDeleted']);
  });

  it('answers 400 for bad input and records nothing', async () => {
    const company = await newCompany('notes-400');
    const huge = '"'.repeat(20_000); // 120,000 bytes once escaped, over the 64 KiB limit
    for (const body of [{}, { body: '' }, { body: '   ' }, { body: 5 }, { body: null }, { body: huge }, { body: 'x', admin_id: true }, { body: 'x', admin_id: {} }]) {
      errorOf(await add(company.id, body), 400);
    }
    for (const query of ['?per_page=0', '?per_page=151', '?page=0', '?page=x', '?starting_after=nope', `?starting_after=${Buffer.from('company-notes:1:5').toString('base64url')}`]) {
      errorOf(await list(company.id, query), 400);
    }
    expect((await storedEvents(t, company.id)).map((e) => e.event_type)).toEqual(['CompanyCreated']);
  });

  it('answers 401 without a valid token, on every version', async () => {
    const company = await newCompany('notes-401');
    for (const caller of [null, 'not-a-token']) {
      for (const headers of [V216, version('2.11')]) {
        errorOf(await api(t).as(caller).get(notesOf(company.id), headers), 401, [{ code: 'unauthorized', message: 'Access Token Invalid' }]);
        errorOf(await api(t).as(caller).post(notesOf(company.id), { body: 'x' }, headers), 401, [{ code: 'unauthorized', message: 'Access Token Invalid' }]);
      }
    }
  });

  it('is an unknown route before 2.16 (404 not_found, even for bad input), and is there on Unstable', async () => {
    const company = await newCompany('notes-versions');
    for (const v of ['2.11', '2.14', '2.15', '1.4']) {
      errorOf(await list(company.id, '', version(v)), 404, RESOURCE_NOT_FOUND);
      errorOf(await list(company.id, '?per_page=0', version(v)), 404, RESOURCE_NOT_FOUND);
      errorOf(await add(company.id, { body: 'x' }, version(v)), 404, RESOURCE_NOT_FOUND);
      errorOf(await add(company.id, {}, version(v)), 404, RESOURCE_NOT_FOUND);
    }
    // No Intercom-Version is the default, 2.11.
    errorOf(await me.get(notesOf(company.id)), 404, RESOURCE_NOT_FOUND);
    expect((await storedEvents(t, company.id)).map((e) => e.event_type)).toEqual(['CompanyCreated']);
    for (const v of ['Unstable', 'Preview']) expect((await add(company.id, { body: v }, version(v))).status).toBe(200);
    expect((await list(company.id, '', version('unstable'))).body.total_count).toBe(2);
    errorOf(await add(company.id, { body: 'x' }, version('9.9')), 400, [expect.objectContaining({ code: 'intercom_version_invalid' })]);
  });

  it('GET /notes/{id} finds a company note at 2.16 in the shape POST answered; 404 in the envelope otherwise', async () => {
    const company = await newCompany('notes-get');
    const created = (await add(company.id, { body: 'Found by id', admin_id: ws.admin.id })).body;
    for (const v of ['2.16', 'Unstable']) {
      const res = await me.get(`/notes/${created.id}`, version(v));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual(created);
      expect(Object.keys(res.body)).toEqual(['type', 'id', 'created_at', 'company', 'author', 'body']);
    }
    // A contact's note is found as before, at every version.
    const contact = await me.ok.contacts.create({ email: 'note-get@example.com' });
    const contactNote = await me.ok.notes.add(contact.id, { body: 'On a contact', admin_id: ws.admin.id });
    for (const v of ['2.11', '2.16']) expect((await me.get(`/notes/${contactNote.id}`, version(v))).body).toMatchObject({ id: contactNote.id, contact: { type: 'contact', id: contact.id } });
    // Before 2.16 company notes do not exist; another workspace, an unknown id and a deleted company's note are not found.
    for (const v of ['2.11', '2.14', '2.15']) errorOf(await me.get(`/notes/${created.id}`, version(v)), 404, RESOURCE_NOT_FOUND);
    errorOf(await me.get(`/notes/${created.id}`), 404, RESOURCE_NOT_FOUND);
    errorOf(await them.get(`/notes/${created.id}`, V216), 404, RESOURCE_NOT_FOUND);
    errorOf(await me.get('/notes/650cbc286d0a728750658b15', V216), 404, RESOURCE_NOT_FOUND);
    const gone = await newCompany('notes-get-deleted');
    const goneNote = (await add(gone.id, { body: 'Then deleted', admin_id: ws.admin.id })).body;
    expect((await me.get(`/notes/${goneNote.id}`, V216)).status).toBe(200);
    await me.ok.companies.delete(gone.id);
    errorOf(await me.get(`/notes/${goneNote.id}`, V216), 404, RESOURCE_NOT_FOUND);
    expect((await api(t).as(null).get(`/notes/${created.id}`, V216)).status).toBe(401);
  });

  it('flows like every company event: history, the change feed', async () => {
    const company = await newCompany('notes-flow');
    const note = (await add(company.id, { body: 'flow' })).body;
    const history = await me.ok.companies.history(company.id);
    expect(history.data.map((c: Json) => c.event_type)).toEqual(['CompanyCreated', 'CompanyNoteAdded']);
    expect(history.data[1].changes).toEqual({ note_count: { from: null, to: 1 } });

    const feed = await me.ok.changes({ limit: 1000 });
    const item = feed.data.find((e: Json) => e.event_type === 'CompanyNoteAdded' && e.data.note_id === note.id);
    expect(item).toMatchObject({ company_id: company.id, version: 2, occurred_at: note.created_at });
    expect(item).not.toHaveProperty('contact_id');
  });

  it('serves the official SDK 7.0.3 (unstable.notes.listCompanyNotes) at 2.16', async () => {
    const company = await newCompany('notes-sdk');
    const made = (await add(company.id, { body: 'from the API' })).body;
    const client = new IntercomClient({ token: ws.access_token, baseUrl: t.baseUrl, maxRetries: 0 });
    const listed = await client.unstable.notes.listCompanyNotes({ id: company.id }, { headers: V216 });
    expect(listed).toMatchObject({ type: 'list', total_count: 1, data: [{ type: 'note', id: made.id, company: { type: 'company', id: company.id }, body: '<p>from the API</p>' }] });
    const missing = await client.unstable.notes.listCompanyNotes({ id: '5f4d3c1c7b1b4d7da9706095' }, { headers: V216 }).then(
      () => null,
      (error: unknown) => error as { statusCode?: number; body?: Json },
    );
    expect(missing?.statusCode).toBe(404);
    expect(missing?.body?.errors).toEqual(COMPANY_NOT_FOUND);
  });
});
