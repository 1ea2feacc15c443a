import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../apps/contacts-api/src/cli-commands.js';
import { type Client, type Json, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const error = (errors: object[]) => ({ type: 'error.list', request_id: expect.stringMatching(UUID), errors });
const f = (field: string, operator: string, value: unknown) => ({ field, operator, value });
const and = (...value: object[]) => ({ operator: 'AND', value });
const or = (...value: object[]) => ({ operator: 'OR', value });
const COMPANY_NOT_FOUND = error([{ code: 'company_not_found', message: 'Company Not Found' }]);

describe('company segments', () => {
  let t: TestApp;
  let me: Client;
  let them: Client;
  let workspaceId: string;
  /** Companies by company_id. */
  const co: Record<string, Json> = {};
  let key: Json;

  let defined = 0;
  const define = (query: object, extra: object = {}) => me.post('/segment_definitions', { name: `Company segment ${++defined}`, target: 'companies', query, ...extra });
  /** The company_ids of a segment's companies, through GET /companies?segment_id=. */
  const members = async (who: Client, segmentId: string) => {
    const page = await who.ok.companies.retrieve({ segment_id: segmentId, per_page: 60 });
    return page.data.map((company: Json) => company.company_id).sort();
  };
  const membersOf = async (query: object) => members(me, (await define(query).expect(200)).body.id);

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace();
    workspaceId = ws.workspace_id;
    me = api(t).as(ws);
    them = api(t).as(await t.newWorkspace('other'));
    for (const [name, data_type] of [['tier', 'string'], ['seats', 'integer']]) {
      await me.post('/data_attributes', { name, model: 'company', data_type }).expect(200);
    }
    const rows: [string, object][] = [
      ['acme', { name: 'Acme Corp', plan: 'Pro', industry: 'SaaS', size: 50, monthly_spend: 100, website: 'https://acme.test', custom_attributes: { tier: 'gold', seats: 10 } }],
      ['beta', { name: 'Beta', plan: 'Pro', industry: 'Retail', size: 5, monthly_spend: 20, custom_attributes: { tier: 'silver' } }],
      ['gamma', { name: 'Gamma', plan: 'Free', size: 500, website: 'https://gamma.io', remote_created_at: 86_400 * 10 + 5 }],
      ['delta', { name: 'Delta' }],
    ];
    for (const [companyId, body] of rows) co[companyId] = await me.ok.companies.save({ company_id: companyId, ...body });
    key = await me.ok.tags.save({ name: 'Key', companies: [{ id: co.acme.id }, { id: co.gamma.id }] });
    for (const email of ['a1@acme.test', 'a2@acme.test']) {
      const contact = await me.ok.contacts.create({ email });
      await me.ok.companies.attach(contact.id, { id: co.acme.id });
    }
    await them.ok.companies.save({ company_id: 'theirs', name: 'Theirs', plan: 'Pro' });
  });
  afterAll(() => t?.close());

  describe('defining', () => {
    it('POST /segment_definitions with target companies answers the definition; GET /segments lists it beside contact segments', async () => {
      const res = await define(f('plan', '=', 'Pro'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        type: 'segment_definition',
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: expect.any(String),
        target: 'companies',
        person_type: 'user',
        query: f('plan', '=', 'Pro'),
        intercom_version: '2.11',
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
      });
      const people = await me.ok.post('/segment_definitions', { name: 'All users', query: f('role', '=', 'user') });
      expect(people.target).toBe('contacts');
      const segment = { type: 'segment', id: res.body.id, name: res.body.name, created_at: res.body.created_at, updated_at: res.body.updated_at, person_type: 'user' };
      expect(await me.ok.get(`/segments/${res.body.id}`)).toEqual(segment);
      const all = (await me.ok.get('/segments')).segments;
      expect(all.map((s: Json) => s.id)).toEqual(expect.arrayContaining([res.body.id, people.id]));
      const companies = (await me.ok.get('/segments?type=company')).segments;
      expect(companies).toContainEqual(segment);
      expect(companies.map((s: Json) => s.id)).not.toContain(people.id);
      // include_count counts a company segment's companies, a contact segment's contacts.
      const counted = (await me.ok.get('/segments?include_count=true')).segments;
      expect(counted.find((s: Json) => s.id === res.body.id)).toEqual({ ...segment, count: 2 });
      expect(counted.find((s: Json) => s.id === people.id).count).toBe(2);
      expect((await me.get('/segments?type=user')).status).toBe(400);
    });

    it.each([
      ['an unknown field', f('email', '=', 'a@b.c'), {}, 'query', /'email' is not a searchable company field/],
      ['an operator the type does not have', f('name', '>', 'a'), {}, 'query', /Operator '>' is not allowed on name \(String\)/],
      ['a value of the wrong type', f('size', '=', 'big'), {}, 'query', /size = must be an integer/],
      ['a date compared with ~', f('created_at', '~', 1), {}, 'query', /not allowed on created_at \(Date\)/],
      ['an unknown custom attribute', f('custom_attributes.nope', '=', 'x'), {}, 'query', /Custom attribute 'nope' does not exist on companies/],
      ['segment_id', f('segment_id', '=', 'abc'), {}, 'query', /'segment_id' is not a searchable company field/],
      ['a tag that does not exist', f('tag_id', '=', '999999'), {}, 'query', /tag '999999'/],
      ['IN without a list', f('plan', 'IN', 'Pro'), {}, 'query', /needs an array value/],
      ['groups nested too deep', and(or(and(f('plan', '=', 'Pro')))), {}, 'query', /at most 2 levels/],
      ['a group too large', or(...Array.from({ length: 16 }, (_, i) => f('name', '=', `n${i}`))), {}, 'query', /at most 15 filters/],
      ['person_type contact', f('plan', '=', 'Pro'), { person_type: 'contact' }, 'person_type', /person_type is for contact segments/],
      ['an unknown target', f('plan', '=', 'Pro'), { target: 'accounts' }, 'target', /target must be contacts or companies/],
    ])('refuses %s with 400 parameter_invalid and saves nothing', async (_, query, extra, field, message) => {
      const before = (await me.ok.get('/segments')).segments.length;
      const res = await define(query, extra);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(error([{ code: 'parameter_invalid', message: expect.stringMatching(message), field }]));
      expect((await me.ok.get('/segments')).segments).toHaveLength(before);
    });

    it('a contact field is refused on companies and a company field on contacts', async () => {
      expect((await me.post('/segment_definitions', { name: 'x', query: f('industry', '=', 'SaaS') })).status).toBe(400);
      expect((await define(f('role', '=', 'user'))).status).toBe(400);
    });

    it('PUT changes name and query, refuses a new target or a bad query and keeps the definition', async () => {
      const segment = (await define(f('industry', '=', 'SaaS')).expect(200)).body;
      const moved = await me.put(`/segment_definitions/${segment.id}`, { target: 'contacts' });
      expect(moved.status).toBe(400);
      expect(moved.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'target' });
      expect((await me.put(`/segment_definitions/${segment.id}`, { query: f('nope', '=', 1) })).status).toBe(400);
      expect((await me.put(`/segment_definitions/${segment.id}`, { person_type: 'contact' })).status).toBe(400);
      expect(await me.ok.get(`/segment_definitions/${segment.id}`)).toEqual(segment);
      const changed = await me.ok.put(`/segment_definitions/${segment.id}`, { name: 'Retailers', query: f('industry', '=', 'Retail'), target: 'companies' });
      expect(changed).toMatchObject({ name: 'Retailers', target: 'companies' });
      expect(await members(me, segment.id)).toEqual(['beta']);
    });

    it('npm run cli -- segments create --target companies defines a company segment', async () => {
      const env = { DATABASE_URL: inject('databaseUrl') };
      const argv = ['segments', 'create', '--workspace', workspaceId, '--name', 'CLI companies', '--target', 'companies', '--query', JSON.stringify(f('size', '>=', 50))];
      const created = (await runCli(argv, env)) as Json;
      expect(created).toMatchObject({ type: 'segment_definition', target: 'companies', person_type: 'user' });
      expect(await members(me, created.id)).toEqual(['acme', 'gamma']);
      const bad = ['segments', 'create', '--workspace', workspaceId, '--name', 'x', '--target', 'companies', '--query', JSON.stringify(f('email', '=', 'x'))];
      await expect(runCli(bad, env)).rejects.toThrow(/not a searchable company field/);
      await expect(runCli([...argv.slice(0, 6), '--target', 'leads', '--query', '{}'], env)).rejects.toThrow(/--target is contacts or companies/);
    });
  });

  describe('members', () => {
    it.each([
      ['name', f('name', '~', 'corp'), ['acme']],
      ['company_id', f('company_id', 'IN', ['beta', 'delta']), ['beta', 'delta']],
      ['id', f('id', '=', 'missing'), []],
      ['plan', f('plan', '=', 'Pro'), ['acme', 'beta']],
      ['plan != (a company without a plan too)', f('plan', '!=', 'Pro'), ['delta', 'gamma']],
      ['size', f('size', '<', 50), ['beta']],
      ['website', f('website', '$', '.io'), ['gamma']],
      ['industry null', f('industry', '=', null), ['delta', 'gamma']],
      ['monthly_spend', f('monthly_spend', '>=', 20.5), ['acme']],
      ['user_count', f('user_count', '>', 1), ['acme']],
      ['session_count', f('session_count', '=', 0), ['acme', 'beta', 'delta', 'gamma']],
      ['created_at', f('created_at', '>', 86_400), ['acme', 'beta', 'delta', 'gamma']],
      ['remote_created_at (by day)', f('remote_created_at', '=', 86_400 * 10), ['gamma']],
      ['updated_at', f('updated_at', '<', 86_400), []],
      ['last_request_at', f('last_request_at', '=', null), ['acme', 'beta', 'delta', 'gamma']],
      ['tag_id', f('tag_id', '=', 'KEY'), ['acme', 'gamma']],
      ['tag_id !=', f('tag_id', '!=', 'KEY'), ['beta', 'delta']],
      ['a custom string attribute', f('custom_attributes.tier', 'IN', ['gold', 'silver']), ['acme', 'beta']],
      ['a custom integer attribute', f('custom_attributes.seats', '>', 5), ['acme']],
      ['AND / OR groups', or(and(f('plan', '=', 'Pro'), f('size', '>', 10)), f('plan', '=', 'Free')), ['acme', 'gamma']],
    ])('GET /companies?segment_id= lists the companies matching %s', async (_, query, expected) => {
      const resolved = JSON.parse(JSON.stringify(query).replaceAll('"KEY"', JSON.stringify(key.id)));
      expect(await membersOf(resolved)).toEqual(expected);
    });

    it('GET /companies/{id}/segments lists the company segments it matches, oldest first, and follows changes at once', async () => {
      const ws = api(t).as(await t.newWorkspace('probes'));
      const company = await ws.ok.companies.save({ company_id: 'c1', plan: 'Pro', size: 10 });
      const make = async (name: string, query: object) => (await ws.post('/segment_definitions', { name, target: 'companies', query }).expect(200)).body;
      const pro = await make('Pro', f('plan', '=', 'Pro'));
      const small = await make('Small', f('size', '<', 20));
      const free = await make('Free', f('plan', '=', 'Free'));
      const contacts = await ws.ok.post('/segment_definitions', { name: 'People', query: f('role', '=', 'user') });
      const item = (s: Json) => ({ type: 'segment', id: s.id, name: s.name, created_at: s.created_at, updated_at: s.updated_at, person_type: 'user' });
      // Oldest first: by created_at, then id (segments defined in one second order by id).
      const oldestFirst = (...segments: Json[]) => [...segments].sort((x, y) => x.created_at - y.created_at || (x.id < y.id ? -1 : 1)).map(item);
      expect(await ws.ok.companies.segments(company.id)).toEqual({ type: 'list', data: oldestFirst(pro, small) });
      await ws.ok.companies.save({ company_id: 'c1', plan: 'Free' });
      expect(await ws.ok.companies.segments(company.id)).toEqual({ type: 'list', data: oldestFirst(small, free) });
      // A contact segment lists no company, as an unknown segment does.
      expect(await ws.ok.companies.retrieve({ segment_id: contacts.id })).toMatchObject({ data: [], total_count: 0 });
    });

    it('answers 404 company_not_found for an unknown company or another workspace’s', async () => {
      expect((await me.companies.segments('650cbc286d0a728750658b15')).body).toEqual(COMPANY_NOT_FOUND);
      const theirs = await them.ok.companies.retrieve({ company_id: 'theirs' });
      const res = await me.companies.segments(theirs.id);
      expect([res.status, res.body]).toEqual([404, COMPANY_NOT_FOUND]);
    });

    it('keeps workspaces apart: another workspace neither sees the segment nor adds companies to it', async () => {
      const segment = (await define(f('plan', '=', 'Pro')).expect(200)).body;
      expect(await members(me, segment.id)).toEqual(['acme', 'beta']);
      expect(await them.ok.companies.retrieve({ segment_id: segment.id })).toMatchObject({ data: [], total_count: 0 });
      expect((await them.get(`/segments/${segment.id}`)).status).toBe(404);
      expect((await them.ok.get('/segments?type=company')).segments).toEqual([]);
      const theirs = await them.ok.companies.retrieve({ company_id: 'theirs' });
      expect(await them.ok.companies.segments(theirs.id)).toEqual({ type: 'list', data: [] });
    });

    it('contact reads ignore company segments: GET /contacts/{id}/segments, and search on segment_id as on an unknown segment', async () => {
      const segment = (await define(f('plan', '=', 'Free')).expect(200)).body;
      const contact = await me.ok.contacts.create({ email: 'lonely@example.com' });
      const listed = (await me.ok.get(`/contacts/${contact.id}/segments`)).data.map((s: Json) => s.id);
      expect(listed).not.toContain(segment.id);
      expect(listed.length).toBeGreaterThan(0);
      for (const [query, unknown] of [[f('segment_id', '=', segment.id), f('segment_id', '=', '650cbc286d0a728750658b15')], [f('segment_id', 'NIN', [segment.id]), f('segment_id', 'NIN', ['650cbc286d0a728750658b15'])]]) {
        const [a, b] = [await me.ok.contacts.search({ query }), await me.ok.contacts.search({ query: unknown })];
        expect(a.total_count).toBe(b.total_count);
        expect(a.data.map((c: Json) => c.id)).toEqual(b.data.map((c: Json) => c.id));
      }
    });

    it('refuses to delete a tag a company segment names', async () => {
      const tag = await me.ok.tags.save({ name: 'Named', companies: [{ id: co.delta.id }] });
      const segment = (await define(f('tag_id', '=', tag.id)).expect(200)).body;
      expect(await members(me, segment.id)).toEqual(['delta']);
      expect((await me.delete(`/tags/${tag.id}`)).status).toBe(400);
    });
  });

  describe('paging', () => {
    let ws: Client;
    let bulk: Json[];
    let segmentId: string;

    beforeAll(async () => {
      ws = api(t).as(await t.newWorkspace('paging'));
      bulk = [];
      for (let i = 0; i < 12; i++) bulk.push(await ws.ok.companies.save({ company_id: `b${i}`, plan: i % 4 === 0 ? 'Other' : 'Bulk' }));
      segmentId = (await ws.post('/segment_definitions', { name: 'Bulk', target: 'companies', query: f('plan', '=', 'Bulk') }).expect(200)).body.id;
    });

    it('pages in the company list order with the total, by starting_after and by page number', async () => {
      const all = (await ws.ok.companies.retrieve({ per_page: 50 })).data.filter((c: Json) => c.plan.name === 'Bulk').map((c: Json) => c.id);
      expect(all).toHaveLength(9);
      const seen: string[] = [];
      let page = await ws.ok.companies.retrieve({ segment_id: segmentId, per_page: 4 });
      expect(page).toMatchObject({ type: 'list', total_count: 9, pages: { type: 'pages', page: 1, per_page: 4, total_pages: 3 } });
      for (;;) {
        seen.push(...page.data.map((c: Json) => c.id));
        if (!page.pages.next) break;
        page = await ws.ok.companies.retrieve({ segment_id: segmentId, per_page: 4, starting_after: page.pages.next.starting_after });
        expect(page.total_count).toBe(9);
      }
      expect(seen).toEqual(all);
      const second = await ws.ok.companies.retrieve({ segment_id: segmentId, per_page: 4, page: 2 });
      expect(second.data.map((c: Json) => c.id)).toEqual(all.slice(4, 8));
      const oldest = await ws.ok.companies.retrieve({ segment_id: segmentId, per_page: 4, order: 'asc' });
      expect(oldest.data.map((c: Json) => c.id)).toEqual([...all].reverse().slice(0, 4));
      expect(oldest.data[0]).toEqual(await ws.ok.companies.get(oldest.data[0].id));
      expect((await ws.ok.companies.retrieve({ segment_id: segmentId, per_page: 4, page: 4 })).data).toEqual([]);
    });

    it('counts exactly up to 1,000 companies, then answers a bound between 1,001 and the workspace’s companies', async () => {
      const big = api(t).as(await t.newWorkspace('big'));
      const made = 1_004;
      for (let i = 0; i < made; i += 8) {
        await Promise.all(Array.from({ length: Math.min(8, made - i) }, (_, j) => big.ok.companies.save({ company_id: `k${i + j}`, plan: 'Bulk' })));
      }
      const { id } = (await big.post('/segment_definitions', { name: 'All bulk', target: 'companies', query: f('plan', '=', 'Bulk') }).expect(200)).body;
      const { id: few } = (await big.post('/segment_definitions', { name: 'A few', target: 'companies', query: f('company_id', 'IN', ['k1', 'k2', 'k3']) }).expect(200)).body;
      const page = await big.ok.companies.retrieve({ segment_id: id, per_page: 2 });
      expect(page.data).toHaveLength(2);
      expect(page.total_count).toBeGreaterThanOrEqual(1_001);
      expect(page.total_count).toBeLessThanOrEqual(made);
      expect((await big.ok.companies.retrieve({ segment_id: few })).total_count).toBe(3);
      const counted = new Map((await big.ok.get('/segments?include_count=true&type=company')).segments.map((s: Json) => [s.id, s.count]));
      expect(counted).toEqual(new Map([[id, page.total_count], [few, 3]]));
    }, 120_000);
  });
});
