import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { eventTypes, storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const USER_NOT_FOUND = [{ code: 'not_found', message: 'User Not Found' }];
const COMPANY_NOT_FOUND = [{ code: 'company_not_found', message: 'Company Not Found' }];
const NOT_SPECIFIED = [{ code: 'parameter_not_found', message: 'company not specified' }];
const MISSING_ID = '650cbc286d0a728750658b15';
const OBJECT_ID = /^[0-9a-f]{24}$/;
/** The keys of the 2.11 spec's "Create or Update a company" example, in its order. */
const EXAMPLE_KEYS = ['type', 'company_id', 'id', 'app_id', 'name', 'remote_created_at', 'created_at', 'updated_at', 'monthly_spend', 'session_count', 'user_count', 'tags', 'segments', 'plan', 'custom_attributes'];

describe('companies', () => {
  let t: TestApp;
  let workspaceId: string;
  /** This workspace, and another one. */
  let me: Client;
  let them: Client;
  /** A company named after its company_id. */
  const newCompany = (company_id: string, as = me) => as.ok.companies.save({ company_id, name: company_id });
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace();
    workspaceId = ws.workspace_id;
    me = api(t).as(ws);
    them = api(t).as(await t.newWorkspace('other'));
  });
  afterAll(() => t?.close());

  describe('POST /companies', () => {
    it('creates a company shaped like the spec example', async () => {
      const before = now();
      const res = await me.companies.save({ company_id: 'company_remote_id', name: 'my company', remote_created_at: 1374138000, custom_attributes: { industry: 'manufacturing' } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(EXAMPLE_KEYS);
      expect(res.body).toEqual({
        type: 'company',
        company_id: 'company_remote_id',
        id: expect.stringMatching(OBJECT_ID),
        app_id: workspaceId,
        name: 'my company',
        remote_created_at: 1374138000,
        created_at: expect.any(Number),
        updated_at: res.body.created_at,
        monthly_spend: 0,
        session_count: 0,
        user_count: 0,
        tags: { type: 'tag.list', tags: [] },
        segments: { type: 'segment.list', segments: [] },
        plan: {},
        custom_attributes: { industry: 'manufacturing' },
      });
      expect(res.body.created_at).toBeGreaterThanOrEqual(before);
      expect(res.body.created_at).toBeLessThanOrEqual(now());
    });

    it('defaults remote_created_at to the creation time, as Intercom examples show', async () => {
      const company = await newCompany('no-remote-time');
      expect(company.remote_created_at).toBe(company.created_at);
    });

    it('updates the company with the same company_id: sent fields change, left-out ones stay, null clears, attributes merge', async () => {
      const created = (
        await me.companies.save({ company_id: 'acme', name: 'Acme', plan: 'Pro', size: 100, website: 'https://acme.example', industry: 'Anvils', monthly_spend: 155.98, custom_attributes: { tier: 'gold', seats: 9, legacy: true } }).expect(200)
      ).body;
      expect(Object.keys(created)).toEqual([...EXAMPLE_KEYS.slice(0, 11), 'size', 'website', 'industry', ...EXAMPLE_KEYS.slice(11)]);
      expect(created).toMatchObject({ name: 'Acme', size: 100, website: 'https://acme.example', industry: 'Anvils', monthly_spend: 155, plan: { type: 'plan', name: 'Pro' } });
      const updated = await me.ok.companies.save({ company_id: 'acme', name: 'Acme Corp', website: null, custom_attributes: { seats: 12, legacy: null } });
      expect(updated.id).toBe(created.id);
      expect(updated).toMatchObject({ name: 'Acme Corp', size: 100, industry: 'Anvils', monthly_spend: 155, plan: { type: 'plan', name: 'Pro' }, remote_created_at: created.remote_created_at });
      expect(updated).not.toHaveProperty('website');
      expect(updated.custom_attributes).toEqual({ tier: 'gold', seats: 12 });
      expect(updated.created_at).toBe(created.created_at);
      const rows = await t.pool.query('SELECT count(*)::int AS n FROM companies WHERE workspace_id = $1 AND company_id = $2', [workspaceId, 'acme']);
      expect(rows.rows[0].n).toBe(1);
      expect(await me.ok.companies.get(created.id)).toEqual(updated);
    });

    it('keeps workspaces apart: the same company_id in another workspace is another company', async () => {
      const mine = await newCompany('shared-company-id');
      const theirs = await newCompany('shared-company-id', them);
      expect(theirs.id).not.toBe(mine.id);
      expect(theirs.name).toBe('shared-company-id');
    });

    it.each([
      ['no company_id', { name: 'x' }, 'company_id'],
      ['an empty company_id', { company_id: '' }, 'company_id'],
      ['a non-integer size', { company_id: 'v', size: 'big' }, 'size'],
      ['a text monthly_spend', { company_id: 'v', monthly_spend: '100' }, 'monthly_spend'],
      ['a negative remote_created_at', { company_id: 'v', remote_created_at: -1 }, 'remote_created_at'],
      ['nested custom attributes', { company_id: 'v', custom_attributes: { a: { b: 1 } } }, 'custom_attributes'],
    ])('refuses %s with 400 parameter_invalid', async (_, body, field) => {
      const res = await me.companies.save(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [expect.objectContaining({ code: 'parameter_invalid', field })] });
    });
  });

  describe('GET /companies/{id}', () => {
    it('is 404 company_not_found for an unknown id and for another workspace company', async () => {
      const theirs = await newCompany('get-theirs', them);
      for (const id of [MISSING_ID, theirs.id]) {
        const res = await me.companies.get(id);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: COMPANY_NOT_FOUND });
      }
    });
  });

  describe('POST /contacts/{id}/companies', () => {
    it('attaches the company, answers it with the new user_count, and records one CompanyAttached', async () => {
      const company = await newCompany('attach-1');
      const [first, second] = [await me.ok.contacts.create({ role: 'lead' }), await me.ok.contacts.create({ role: 'lead' })];
      const res = await me.companies.attach(first.id, { id: company.id });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(EXAMPLE_KEYS);
      expect(res.body).toEqual({ ...company, user_count: 1 });
      const log = await storedEvents(t, first.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'CompanyAttached']);
      expect(log[1].data).toEqual({ company_id: company.id, occurred_at: expect.any(Number) });
      // Attaching again changes nothing and records nothing.
      expect((await me.ok.companies.attach(first.id, { id: company.id })).user_count).toBe(1);
      expect(await eventTypes(t, first.id)).toEqual(['ContactCreated', 'CompanyAttached']);
      expect((await me.ok.companies.attach(second.id, { id: company.id })).user_count).toBe(2);
      expect((await me.ok.companies.get(company.id)).user_count).toBe(2);
      // A deleted contact no longer counts.
      await me.contacts.delete(second.id).expect(200);
      expect((await me.ok.companies.get(company.id)).user_count).toBe(1);
    });

    it('is 400 parameter_not_found "company not specified" without an id', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      for (const body of [undefined, {}, { id: null }, { id: '' }]) {
        const res = await me.companies.attach(contact.id, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: NOT_SPECIFIED });
      }
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
    });

    it('is 404 company_not_found for an unknown company and another workspace company, recording nothing', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const theirs = await newCompany('attach-theirs', them);
      for (const id of [MISSING_ID, theirs.id, 'not-an-id']) {
        const res = await me.companies.attach(contact.id, { id });
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(COMPANY_NOT_FOUND);
      }
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
      expect((await them.ok.companies.get(theirs.id)).user_count).toBe(0);
    });

    it('is 404 User Not Found for an unknown contact and another workspace contact', async () => {
      const company = await newCompany('attach-no-contact');
      for (const id of [MISSING_ID, (await them.ok.contacts.create({ role: 'lead' })).id]) {
        const res = await me.companies.attach(id, { id: company.id });
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(USER_NOT_FOUND);
      }
    });

    it('is 400 contact_company_limit_exceeded past 1000 companies, while an attached one still answers 200', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      await t.pool.query(
        `INSERT INTO companies (workspace_id, id, company_id, created_at, version, state)
         SELECT $1, lpad(to_hex(g), 24, '0'), 'bulk-' || g, 0, 1,
                jsonb_build_object('id', lpad(to_hex(g), 24, '0'), 'workspace_id', $1::text, 'company_id', 'bulk-' || g, 'created_at', 0, 'updated_at', 0,
                                   'custom_attributes', '{}'::jsonb, 'tag_ids', '[]'::jsonb)
           FROM generate_series(1, 1001) g`,
        [workspaceId],
      );
      const ids = Array.from({ length: 1001 }, (_, i) => (i + 1).toString(16).padStart(24, '0'));
      for (let i = 0; i < 1000; i += 25) {
        await Promise.all(ids.slice(i, i + 25).map((id) => me.companies.attach(contact.id, { id }).expect(200)));
      }
      const res = await me.companies.attach(contact.id, { id: ids[1000] });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        type: 'error.list',
        request_id: expect.stringMatching(UUID),
        errors: [{ code: 'contact_company_limit_exceeded', message: 'Contact has reached the maximum of 1000 company associations' }],
      });
      expect((await me.companies.attach(contact.id, { id: ids[0] })).status).toBe(200);
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated', ...Array(1000).fill('CompanyAttached')]);
      const contactView = await me.ok.contacts.get(contact.id);
      expect(contactView.companies).toMatchObject({ total_count: 1000, has_more: true });
      expect(contactView.companies.data).toHaveLength(10);
    }, 120_000);
  });

  describe('DELETE /contacts/{id}/companies/{company_id}', () => {
    it('detaches the company, answers it with the new user_count, and records one CompanyDetached', async () => {
      const company = await newCompany('detach-1');
      const contact = await me.ok.contacts.create({ role: 'lead' });
      await me.companies.attach(contact.id, { id: company.id }).expect(200);
      const res = await me.companies.detach(contact.id, company.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...company, user_count: 0 });
      expect((await me.companies.of(contact.id)).body.data).toEqual([]);
      // Detaching a company that is not attached records nothing.
      await me.companies.detach(contact.id, company.id).expect(200);
      const log = await storedEvents(t, contact.id);
      expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'CompanyAttached', 'CompanyDetached']);
      expect(log[2].data).toEqual({ company_id: company.id, occurred_at: expect.any(Number) });
    });

    it('is 404 for an unknown or foreign company and for an unknown or foreign contact', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const company = await newCompany('detach-errors');
      const theirs = await newCompany('detach-theirs', them);
      for (const id of [MISSING_ID, theirs.id]) {
        const res = await me.companies.detach(contact.id, id);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(COMPANY_NOT_FOUND);
      }
      for (const id of [MISSING_ID, (await them.ok.contacts.create({ role: 'lead' })).id]) {
        const res = await me.companies.detach(id, company.id);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(USER_NOT_FOUND);
      }
      expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
    });
  });

  describe('GET /contacts/{id}/companies', () => {
    it('lists the companies in attach order, in the shape of the spec example', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const [b, a] = [await newCompany('list-b'), await newCompany('list-a')];
      await me.companies.attach(contact.id, { id: b.id }).expect(200);
      await me.companies.attach(contact.id, { id: a.id }).expect(200);
      const res = await me.companies.of(contact.id);
      expect(res.status).toBe(200);
      // The example's keys, plus `companies` (the schema's name, which the official SDK pages by).
      expect(Object.keys(res.body)).toEqual(['type', 'data', 'companies', 'pages', 'total_count']);
      expect(res.body.companies).toEqual(res.body.data);
      expect(res.body).toEqual({
        type: 'list',
        data: [{ ...b, user_count: 1 }, { ...a, user_count: 1 }],
        companies: [{ ...b, user_count: 1 }, { ...a, user_count: 1 }],
        pages: { type: 'pages', next: null, page: 1, per_page: 50, total_pages: 1 },
        total_count: 2,
      });
    });

    it('pages with page and per_page', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const companies = [await newCompany('page-1'), await newCompany('page-2'), await newCompany('page-3')];
      for (const company of companies) await me.companies.attach(contact.id, { id: company.id }).expect(200);
      const first = await me.ok.companies.of(contact.id, { per_page: 2 });
      expect(first.data.map((c: { id: string }) => c.id)).toEqual([companies[0].id, companies[1].id]);
      expect(first.pages).toEqual({ type: 'pages', next: `/contacts/${contact.id}/companies?page=2&per_page=2`, page: 1, per_page: 2, total_pages: 2 });
      expect(first.total_count).toBe(3);
      const second = await me.ok.companies.of(contact.id, { page: 2, per_page: 2 });
      expect(second.data.map((c: { id: string }) => c.id)).toEqual([companies[2].id]);
      expect(second.pages).toEqual({ type: 'pages', next: null, page: 2, per_page: 2, total_pages: 2 });
      for (const query of ['per_page=0', 'per_page=151', 'per_page=abc', 'page=0']) {
        const res = await me.get(`/contacts/${contact.id}/companies?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.errors[0].code).toBe('parameter_invalid');
      }
    });

    it('is 404 User Not Found for an unknown or foreign contact', async () => {
      for (const id of [MISSING_ID, (await them.ok.contacts.create({ role: 'lead' })).id]) {
        const res = await me.companies.of(id);
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual(USER_NOT_FOUND);
      }
    });
  });

  describe('the companies list of the contact object', () => {
    it('embeds at most ten references with the true total_count and has_more', async () => {
      const contact = await me.ok.contacts.create({ role: 'lead' });
      const companies = [];
      for (let i = 1; i <= 11; i++) companies.push(await newCompany(`embedded-${i}`));
      for (const company of companies.slice(0, 10)) await me.companies.attach(contact.id, { id: company.id }).expect(200);
      const ten = (await me.ok.contacts.get(contact.id)).companies;
      expect(ten).toEqual({
        type: 'list',
        data: companies.slice(0, 10).map((c) => ({ type: 'company', id: c.id, url: `/companies/${c.id}` })),
        url: `/contacts/${contact.id}/companies`,
        total_count: 10,
        has_more: false,
      });
      await me.companies.attach(contact.id, { id: companies[10].id }).expect(200);
      const eleven = (await me.ok.contacts.get(contact.id)).companies;
      expect(eleven.data).toEqual(ten.data);
      expect(eleven).toMatchObject({ total_count: 11, has_more: true });
      expect((await me.companies.of(contact.id)).body.total_count).toBe(11);
    });
  });

  it('answers 401 on every company endpoint without a valid token', async () => {
    const contact = await me.ok.contacts.create({ role: 'lead' });
    const company = await newCompany('auth');
    const nobody = api(t).as(null);
    const calls = [
      () => nobody.companies.save({ company_id: 'x' }),
      () => nobody.companies.get(company.id),
      () => nobody.companies.attach(contact.id, { id: company.id }),
      () => nobody.companies.of(contact.id),
      () => nobody.companies.detach(contact.id, company.id),
      () => api(t).as('wrong').companies.get(company.id),
    ];
    for (const call of calls) {
      const res = await call();
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    }
    expect(await eventTypes(t, contact.id)).toEqual(['ContactCreated']);
    const rows = await t.pool.query(`SELECT count(*)::int AS n FROM companies WHERE company_id = 'x'`);
    expect(rows.rows[0].n).toBe(0);
  });
});
