import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Json, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { eventTypes, storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const COMPANY_NOT_FOUND = [{ code: 'company_not_found', message: 'Company Not Found' }];
const MISSING_ID = '650cbc286d0a728750658b15';
const ids = (list: Json[]) => list.map((c) => c.id);
/** The list's order: creation time, then id (companies made in one second order by id). */
const newestFirst = (list: Json[]) => [...list].sort((x, y) => y.created_at - x.created_at || (x.id < y.id ? 1 : -1));

describe('companies as a system of record', () => {
  let t: TestApp;
  let me: Client;
  let them: Client;
  let meta: { workspace_id: string };

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace();
    meta = ws;
    me = api(t).as(ws);
    them = api(t).as(await t.newWorkspace('other'));
  });
  afterAll(() => t?.close());

  const errorOf = (res: { status: number; body: Json }, status: number, errors: unknown) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors });
  };
  const streamType = async (id: string) => (await t.pool.query('SELECT stream_type, version::int FROM es_streams WHERE stream_id = $1', [id])).rows[0];

  describe('the company stream', () => {
    it('records CompanyCreated, then a CompanyUpdated field diff, and nothing for a change that changes nothing', async () => {
      const created = await me.ok.companies.save({ company_id: 'stream-1', name: 'Acme', plan: 'Pro', custom_attributes: { tier: 'gold' } });
      expect(await streamType(created.id)).toEqual({ stream_type: 'company', version: 1 });
      const log = await storedEvents(t, created.id);
      expect(log.map((e) => e.event_type)).toEqual(['CompanyCreated']);
      expect(log[0].data).toEqual({
        id: created.id,
        workspace_id: meta.workspace_id,
        company_id: 'stream-1',
        name: 'Acme',
        plan: 'Pro',
        plan_id: created.plan.id,
        size: null,
        website: null,
        industry: null,
        monthly_spend: null,
        remote_created_at: created.created_at,
        custom_attributes: { tier: 'gold' },
        occurred_at: created.created_at,
      });
      expect(log[0].metadata).toMatchObject({ actor: { type: 'access_token' }, request_id: expect.stringMatching(UUID) });
      await me.ok.companies.save({ company_id: 'stream-1', name: 'Acme', plan: 'Pro' });
      expect(await eventTypes(t, created.id)).toEqual(['CompanyCreated']);
      await me.ok.companies.update(created.id, { name: 'Acme Corp', custom_attributes: { tier: null, seats: 3 } });
      const updated = await storedEvents(t, created.id);
      expect(updated[1]).toMatchObject({
        event_type: 'CompanyUpdated',
        data: { changes: { name: { from: 'Acme', to: 'Acme Corp' }, 'custom_attributes.tier': { from: 'gold', to: null }, 'custom_attributes.seats': { from: null, to: 3 } } },
      });
    });

    it('gives each plan name one id, and answers an unnamed company with name ""', async () => {
      const a = await me.ok.companies.save({ company_id: 'plan-a', plan: 'Enterprise' });
      const b = await me.ok.companies.save({ company_id: 'plan-b', plan: 'Enterprise' });
      const c = await me.ok.companies.save({ company_id: 'plan-c', plan: 'Starter' });
      expect(a.plan).toEqual({ type: 'plan', id: expect.stringMatching(/^\d+$/), name: 'Enterprise' });
      expect(b.plan).toEqual(a.plan);
      expect(c.plan.id).not.toBe(a.plan.id);
      expect(a.name).toBe('');
      expect((await me.ok.companies.update(a.id, { plan: null })).plan).toEqual({});
    });

    it('creates one company when two creates of the same company_id race', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => me.companies.save({ company_id: 'race-1', name: `n${i}` })));
      expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      const streams = await t.pool.query(`SELECT count(*)::int AS n FROM companies WHERE workspace_id = $1 AND company_id = 'race-1'`, [meta.workspace_id]);
      expect(streams.rows[0].n).toBe(1);
    });

    it('keeps an audit trail at GET /companies/{id}/history, and 404s for a contact id or an unknown one', async () => {
      const company = await me.ok.companies.save({ company_id: 'history-1', name: 'H' });
      await me.ok.companies.update(company.id, { industry: 'Anvils' });
      const history = await me.ok.companies.history(company.id);
      expect(history.data.map((c: Json) => [c.type, c.version, c.event_type])).toEqual([
        ['company_change', 1, 'CompanyCreated'],
        ['company_change', 2, 'CompanyUpdated'],
      ]);
      expect(history.data[1].changes).toEqual({ industry: { from: null, to: 'Anvils' } });
      const contact = await me.ok.contacts.create({ role: 'lead' });
      for (const id of [contact.id, MISSING_ID]) errorOf(await me.companies.history(id), 404, COMPANY_NOT_FOUND);
      // And a company's id is no contact's.
      expect((await me.contacts.history(company.id)).status).toBe(404);
    });
  });

  describe('PUT /companies/{id}', () => {
    it('updates by the Intercom id; company_id cannot change', async () => {
      const company = await me.ok.companies.save({ company_id: 'put-1', name: 'Put', size: 10 });
      const res = await me.companies.update(company.id, { name: 'my company', website: 'http://www.mycompany.com/', company_id: 'changed', size: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: company.id, company_id: 'put-1', name: 'my company', website: 'http://www.mycompany.com/' });
      expect(res.body).not.toHaveProperty('size');
      expect(await me.ok.companies.get(company.id)).toEqual(res.body);
    });

    it('is 404 for an unknown or foreign company, and 400 for a bad field, recording nothing', async () => {
      const company = await me.ok.companies.save({ company_id: 'put-2' });
      const theirs = await them.ok.companies.save({ company_id: 'put-2' });
      for (const id of [MISSING_ID, theirs.id]) errorOf(await me.companies.update(id, { name: 'x' }), 404, COMPANY_NOT_FOUND);
      const bad = await me.companies.update(company.id, { size: 'big' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'size' });
      expect(await eventTypes(t, company.id)).toEqual(['CompanyCreated']);
      expect(await eventTypes(t, theirs.id)).toEqual(['CompanyCreated']);
    });
  });

  describe('GET /companies', () => {
    it('finds one company by company_id or by name, or 404s', async () => {
      const company = await me.ok.companies.save({ company_id: 'find-1', name: 'Findable' });
      await them.ok.companies.save({ company_id: 'find-theirs', name: 'Theirs' });
      expect(await me.ok.companies.retrieve({ company_id: 'find-1' })).toEqual(company);
      expect(await me.ok.companies.retrieve({ name: 'Findable' })).toEqual(company);
      for (const query of [{ company_id: 'nope' }, { name: 'Nope' }, { company_id: 'find-theirs' }, { name: 'Theirs' }]) {
        errorOf(await me.companies.retrieve(query), 404, COMPANY_NOT_FOUND);
      }
    });

    it('lists by tag_id with counts, and a segment_id as an empty list', async () => {
      const ws = await t.newWorkspace();
      const client = api(t).as(ws);
      const [a, b, c] = [await client.ok.companies.save({ company_id: 'ta' }), await client.ok.companies.save({ company_id: 'tb' }), await client.ok.companies.save({ company_id: 'tc' })];
      const tag = await client.ok.tags.save({ name: 'Partner', companies: [{ id: a.id }, { company_id: 'tc' }] });
      const tagged = await client.ok.companies.retrieve({ tag_id: tag.id });
      expect(ids(tagged.data)).toEqual(ids(newestFirst([a, c])));
      expect(tagged.total_count).toBe(2);
      expect(tagged.data[0].tags).toEqual({ type: 'tag.list', tags: [{ type: 'tag', id: tag.id, name: 'Partner' }] });
      expect((await client.ok.companies.retrieve({ tag_id: '999999' })).data).toEqual([]);
      expect((await client.ok.companies.retrieve({ tag_id: 'x' })).total_count).toBe(0);
      const all = await client.ok.companies.retrieve();
      expect(ids(all.data)).toEqual(ids(newestFirst([a, b, c])));
      expect(await client.ok.companies.retrieve({ segment_id: 'seg' })).toEqual({
        type: 'list',
        data: [],
        pages: { type: 'pages', next: null, page: 1, per_page: 15, total_pages: 0 },
        total_count: 0,
      });
    });
  });

  describe('POST /companies/list', () => {
    let client: Client;
    let made: Json[];
    beforeAll(async () => {
      client = api(t).as(await t.newWorkspace());
      made = [];
      for (let i = 0; i < 5; i++) made.push(await client.ok.companies.save({ company_id: `list-${i}`, name: `L${i}` }));
      // Equal creation seconds order by id: the expected order is the store's.
      made = newestFirst(made).reverse();
    });

    it('pages by page number, newest first, in the spec shape, and is empty past the end', async () => {
      const first = await client.companies.list({ per_page: 2 });
      expect(first.status).toBe(200);
      expect(Object.keys(first.body)).toEqual(['type', 'data', 'pages', 'total_count']);
      expect(ids(first.body.data)).toEqual(ids(made.slice(3).reverse()));
      expect(first.body.pages).toEqual({ type: 'pages', next: { per_page: 2, starting_after: expect.any(String) }, page: 1, per_page: 2, total_pages: 3 });
      expect(first.body.total_count).toBe(5);
      expect(ids((await client.ok.companies.list({ per_page: 2, page: 3 })).data)).toEqual([made[0].id]);
      expect((await client.ok.companies.list({ per_page: 2, page: 3 })).pages.next).toBeNull();
      expect((await client.ok.companies.list({ per_page: 2, page: 4 })).data).toEqual([]);
      expect(ids((await client.ok.companies.list({ order: 'asc' })).data)).toEqual(ids(made));
    });

    it('follows pages.next.starting_after to the end', async () => {
      const seen: string[] = [];
      let next: string | undefined;
      do {
        const page = await client.ok.companies.list({ per_page: 2, ...(next ? { starting_after: next } : {}) });
        seen.push(...ids(page.data));
        next = page.pages.next?.starting_after;
      } while (next);
      expect(seen).toEqual(ids([...made].reverse()));
    });

    it.each([['per_page=0'], ['per_page=151'], ['page=0'], ['page=10001'], ['order=sideways'], ['starting_after=bogus']])('refuses %s with 400', async (query) => {
      const res = await client.post(`/companies/list?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].code).toBe('parameter_invalid');
    });
  });

  describe('GET /companies/scroll', () => {
    it('scrolls every company oldest first (not caught by /companies/{id}), ending on an empty page without scroll_param', async () => {
      const client = api(t).as(await t.newWorkspace());
      const made = [];
      for (let i = 0; i < 55; i++) made.push(await client.ok.companies.save({ company_id: `scroll-${i}` }));
      const first = await client.ok.companies.scroll();
      expect(Object.keys(first)).toEqual(['type', 'data', 'pages', 'total_count', 'scroll_param']);
      expect(first).toMatchObject({ type: 'list', pages: null, total_count: null, scroll_param: expect.any(String) });
      expect(first.data).toHaveLength(50);
      const second = await client.ok.companies.scroll({ scroll_param: first.scroll_param });
      expect(second.data).toHaveLength(5);
      const end = await client.ok.companies.scroll({ scroll_param: second.scroll_param });
      expect(end).toMatchObject({ data: [], scroll_param: null });
      expect(new Set([...ids(first.data), ...ids(second.data)])).toEqual(new Set(ids(made)));
      const bad = await client.companies.scroll({ scroll_param: 'not-a-scroll' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'scroll_param' });
    });
  });

  describe('contacts of a company', () => {
    it('keeps user_count and last_request_at exact through attach, detach, last_seen_at, delete and merge', async () => {
      const company = await me.ok.companies.save({ company_id: 'count-1' });
      const [a, b] = [await me.ok.contacts.create({ email: 'count-a@example.com', last_seen_at: 1_700_000_000 }), await me.ok.contacts.create({ role: 'lead' })];
      await me.companies.attach(a.id, { id: company.id }).expect(200);
      await me.companies.attach(b.id, { id: company.id }).expect(200);
      let seen = await me.ok.companies.get(company.id);
      expect(seen).toMatchObject({ user_count: 2, last_request_at: 1_700_000_000 });
      expect(Object.keys(seen).indexOf('last_request_at')).toBe(Object.keys(seen).indexOf('updated_at') + 1);
      await me.contacts.update(a.id, { last_seen_at: 1_700_000_500 }).expect(200);
      expect((await me.ok.companies.get(company.id)).last_request_at).toBe(1_700_000_500);
      // A lead merged into a user that holds the company already: one contact less.
      await me.contacts.merge({ from: b.id, into: a.id }).expect(200);
      expect((await me.ok.companies.get(company.id)).user_count).toBe(1);
      const c = await me.ok.contacts.create({ role: 'lead' });
      await me.companies.attach(c.id, { id: company.id }).expect(200);
      await me.companies.detach(c.id, company.id).expect(200);
      await me.contacts.archive(a.id).expect(200);
      seen = await me.ok.companies.get(company.id);
      expect(seen.user_count).toBe(1);
      await me.contacts.delete(a.id).expect(200);
      expect((await me.ok.companies.get(company.id)).user_count).toBe(0);
    });

    it('lists them by contact id at GET /companies/{id}/contacts, keyset paged, in the spec shape', async () => {
      const company = await me.ok.companies.save({ company_id: 'contacts-1' });
      const contacts = [];
      for (let i = 0; i < 5; i++) contacts.push(await me.ok.contacts.create({ email: `holder-${i}@example.com` }));
      for (const contact of contacts) await me.companies.attach(contact.id, { id: company.id }).expect(200);
      const sorted = ids(contacts).sort();
      const first = await me.companies.contacts(company.id, { per_page: 2 });
      expect(first.status).toBe(200);
      expect(Object.keys(first.body)).toEqual(['type', 'data', 'total_count', 'pages']);
      expect(ids(first.body.data)).toEqual(sorted.slice(0, 2));
      expect(first.body.data[0]).toMatchObject({ type: 'contact', role: 'user' });
      expect(first.body).toMatchObject({ total_count: 5, pages: { type: 'pages', page: 1, per_page: 2, total_pages: 3, next: { per_page: 2, starting_after: expect.any(String) } } });
      const rest = await me.ok.companies.contacts(company.id, { per_page: 3, starting_after: first.body.pages.next.starting_after });
      expect(ids(rest.data)).toEqual(sorted.slice(2));
      expect(rest.pages.next).toBeNull();
      expect(ids((await me.ok.companies.contacts(company.id, { per_page: 2, page: 2 })).data)).toEqual(sorted.slice(2, 4));
      const empty = await me.ok.companies.contacts((await me.ok.companies.save({ company_id: 'contacts-none' })).id);
      expect(empty).toEqual({ type: 'list', data: [], total_count: 0, pages: { type: 'pages', next: null, page: 1, per_page: 50, total_pages: 0 } });
      errorOf(await me.companies.contacts(MISSING_ID), 404, COMPANY_NOT_FOUND);
      expect((await me.companies.contacts(company.id, { starting_after: 'zzz' })).status).toBe(400);
    });

    it('GET /companies/{id}/segments answers the list shape, and 404 for an unknown company', async () => {
      const company = await me.ok.companies.save({ company_id: 'segments-1' });
      expect(await me.ok.companies.segments(company.id)).toEqual({ type: 'list', data: [] });
      errorOf(await me.companies.segments(MISSING_ID), 404, COMPANY_NOT_FOUND);
    });
  });

  describe('DELETE /companies/{id}', () => {
    it('records CompanyDeleted, detaches every contact by its own CompanyDetached, and answers deleted_company_object', async () => {
      const client = api(t).as(await t.newWorkspace());
      const company = await client.ok.companies.save({ company_id: 'delete-1' });
      const keep = await client.ok.companies.save({ company_id: 'delete-keep' });
      const contacts = [];
      for (let i = 0; i < 7; i++) contacts.push(await client.ok.contacts.create({ role: 'lead' }));
      for (const contact of contacts) {
        await client.companies.attach(contact.id, { id: company.id }).expect(200);
        await client.companies.attach(contact.id, { id: keep.id }).expect(200);
      }
      const res = await client.companies.delete(company.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: company.id, object: 'company', deleted: true });
      expect(await eventTypes(t, company.id)).toEqual(['CompanyCreated', 'CompanyDeleted']);
      for (const contact of contacts) {
        expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', 'CompanyAttached', 'CompanyAttached', 'CompanyDetached']);
        expect(ids((await client.ok.companies.of(contact.id)).data)).toEqual([keep.id]);
      }
      errorOf(await client.companies.get(company.id), 404, COMPANY_NOT_FOUND);
      errorOf(await client.companies.delete(company.id), 404, COMPANY_NOT_FOUND);
      errorOf(await client.companies.attach(contacts[0].id, { id: company.id }), 404, COMPANY_NOT_FOUND);
      expect(ids((await client.ok.companies.list()).data)).toEqual([keep.id]);
      expect((await client.ok.companies.list()).total_count).toBe(1);
      expect((await client.ok.companies.get(keep.id)).user_count).toBe(7);
      // The company_id is free again: a new company.
      expect((await client.ok.companies.save({ company_id: 'delete-1' })).id).not.toBe(company.id);
    });

    it('finishes an interrupted detaching when the DELETE is sent again', async () => {
      const client = api(t).as(await t.newWorkspace());
      const company = await client.ok.companies.save({ company_id: 'delete-2' });
      const contact = await client.ok.contacts.create({ role: 'lead' });
      await client.companies.attach(contact.id, { id: company.id }).expect(200);
      // As if the first DELETE stopped right after CompanyDeleted: the contact still holds the company.
      await client.companies.delete(company.id).expect(200);
      await t.pool.query('INSERT INTO company_contacts VALUES ($1, $2, $3)', [(await client.ok.contacts.get(contact.id)).workspace_id, company.id, contact.id]);
      const state = (await t.pool.query(`UPDATE contacts SET state = jsonb_set(state, '{company_ids}', $2::jsonb) WHERE id = $1 RETURNING version`, [contact.id, JSON.stringify([company.id])])).rows[0];
      expect(state).toBeDefined();
      errorOf(await client.companies.delete(company.id), 404, COMPANY_NOT_FOUND);
      expect((await client.ok.contacts.get(contact.id)).companies.total_count).toBe(0);
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', 'CompanyAttached', 'CompanyDetached', 'CompanyDetached']);
    });

    it('is 404 for an unknown or foreign company', async () => {
      const theirs = await them.ok.companies.save({ company_id: 'delete-theirs' });
      for (const id of [MISSING_ID, theirs.id]) errorOf(await me.companies.delete(id), 404, COMPANY_NOT_FOUND);
      expect(await eventTypes(t, theirs.id)).toEqual(['CompanyCreated']);
    });
  });

  describe('POST /tags with companies', () => {
    it('tags companies by id and company_id, untags with untag: true, each as a company event', async () => {
      const [a, b] = [await me.ok.companies.save({ company_id: 'tag-a' }), await me.ok.companies.save({ company_id: 'tag-b' })];
      const res = await me.tags.save({ name: 'Independent', companies: [{ id: a.id }, { company_id: 'tag-b' }] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'tag', id: expect.stringMatching(/^\d+$/), name: 'Independent' });
      expect(await eventTypes(t, a.id)).toEqual(['CompanyCreated', 'CompanyTagged']);
      expect((await storedEvents(t, b.id))[1].data).toEqual({ tag_id: res.body.id, admin_id: null, occurred_at: expect.any(Number) });
      expect((await me.ok.companies.get(a.id)).tags.tags).toEqual([{ type: 'tag', id: res.body.id, name: 'Independent' }]);
      // Tagging again records nothing; untagging records CompanyUntagged.
      await me.tags.save({ name: 'independent', companies: [{ id: a.id }] }).expect(200);
      expect(await eventTypes(t, a.id)).toEqual(['CompanyCreated', 'CompanyTagged']);
      const untag = await me.tags.save({ name: 'Independent', companies: [{ id: a.id, untag: true }] });
      expect(untag.body).toEqual(res.body);
      expect(await eventTypes(t, a.id)).toEqual(['CompanyCreated', 'CompanyTagged', 'CompanyUntagged']);
      expect((await me.ok.companies.get(a.id)).tags.tags).toEqual([]);
      expect((await me.ok.companies.get(b.id)).tags.tags).toHaveLength(1);
    });

    it('is 404 company_not_found when any company is unknown or foreign, tagging none of them', async () => {
      const mine = await me.ok.companies.save({ company_id: 'tag-c' });
      const theirs = await them.ok.companies.save({ company_id: 'tag-theirs' });
      for (const companies of [[{ id: mine.id }, { company_id: '123' }], [{ id: mine.id }, { id: theirs.id }], [{ company_id: 'tag-theirs' }]]) {
        errorOf(await me.tags.save({ name: 'Nope', companies }), 404, COMPANY_NOT_FOUND);
      }
      expect(await eventTypes(t, mine.id)).toEqual(['CompanyCreated']);
      expect((await me.ok.tags.list()).data.map((tag: Json) => tag.name)).not.toContain('Nope');
    });

    it('DELETE /tags/{id} takes the tag off every company that carries it, as one CompanyUntagged each', async () => {
      const client = api(t).as(await t.newWorkspace());
      const made = [];
      for (let i = 0; i < 6; i++) made.push(await client.ok.companies.save({ company_id: `everywhere-${i}` }));
      const tag = await client.ok.tags.save({ name: 'Gone', companies: made.slice(0, 5).map((c) => ({ id: c.id })) });
      expect((await client.ok.companies.retrieve({ tag_id: tag.id })).total_count).toBe(5);
      await client.delete(`/tags/${tag.id}`).expect(200);
      expect(await client.ok.companies.retrieve({ tag_id: tag.id })).toMatchObject({ data: [], total_count: 0 });
      for (const company of made.slice(0, 5)) expect(await eventTypes(t, company.id)).toEqual(['CompanyCreated', 'CompanyTagged', 'CompanyUntagged']);
      expect(await eventTypes(t, made[5].id)).toEqual(['CompanyCreated']);
    });

    it('refuses an item without id or company_id, a bad list, and an untag of an unknown tag', async () => {
      const company = await me.ok.companies.save({ company_id: 'tag-d' });
      errorOf(await me.tags.save({ name: 'X', companies: [{}] }), 400, [{ code: 'parameter_not_found', message: 'company not specified' }]);
      for (const companies of ['a', [{ untag: 'yes', id: company.id }], Array.from({ length: 101 }, () => ({ id: company.id }))]) {
        const res = await me.tags.save({ name: 'X', companies });
        expect(res.status).toBe(400);
        expect(res.body.errors[0].code).toBe('parameter_invalid');
      }
      errorOf(await me.tags.save({ name: 'Never Made', companies: [{ id: company.id, untag: true }] }), 404, [{ code: 'not_found', message: 'Resource Not Found' }]);
      expect(await eventTypes(t, company.id)).toEqual(['CompanyCreated']);
    });
  });

  it('answers 401 on every new company endpoint without a valid token', async () => {
    const company = await me.ok.companies.save({ company_id: 'auth-new' });
    const nobody = api(t).as(null);
    for (const call of [
      () => nobody.companies.retrieve(),
      () => nobody.companies.list(),
      () => nobody.companies.scroll(),
      () => nobody.companies.update(company.id, { name: 'x' }),
      () => nobody.companies.delete(company.id),
      () => nobody.companies.contacts(company.id),
      () => nobody.companies.segments(company.id),
      () => nobody.companies.history(company.id),
    ]) {
      errorOf(await call(), 401, [{ code: 'unauthorized', message: 'Access Token Invalid' }]);
    }
    expect(await eventTypes(t, company.id)).toEqual(['CompanyCreated']);
  });
});
