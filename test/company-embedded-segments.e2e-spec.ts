import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Json, api, version } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const f = (field: string, operator: string, value: unknown) => ({ field, operator, value });
/** The ids of a company's embedded segments, sorted (segments made in one second are ordered by id). */
const ids = (company: Json) => company.segments.segments.map((segment: Json) => segment.id).sort();
const sorted = (...segmentIds: string[]) => segmentIds.sort();

describe("the company object's embedded segments", () => {
  let t: TestApp;
  let me: Client;
  /** Companies by company_id. */
  const co: Record<string, Json> = {};
  /** Segments by what they match. */
  const seg: Record<string, Json> = {};
  let contact: Json;

  const define = async (name: string, query: object, target = 'companies') => me.ok.post('/segment_definitions', { name, target, query });
  /** What GET /companies/{id}/segments answers for the company: the embedded list must say the same. */
  const segmentsOf = async (id: string) => (await me.ok.get(`/companies/${id}/segments`)).data;

  beforeAll(async () => {
    t = await startTestApp();
    me = api(t).as(await t.newWorkspace());
    co.acme = await me.ok.companies.save({ company_id: 'acme', name: 'Acme', plan: 'Pro' });
    co.beta = await me.ok.companies.save({ company_id: 'beta', name: 'Beta', plan: 'Free' });
    co.gamma = await me.ok.companies.save({ company_id: 'gamma', name: 'Gamma', plan: 'Pro' });
    const key = await me.ok.tags.save({ name: 'Key', companies: [{ id: co.gamma.id }] });
    seg.pro = await define('Pro companies', f('plan', '=', 'Pro'));
    seg.key = await define('Key companies', f('tag_id', '=', key.id));
    seg.big = await define('Big companies', f('size', '>', 1000));
    // A contact segment matching everyone is never a company's.
    await define('Everyone', f('role', '=', 'user'), 'contacts');
    contact = await me.ok.contacts.create({ email: 'holder@example.com' });
  });
  afterAll(() => t?.close());

  it('GET /companies/{id} lists the company segments it matches as GET /companies/{id}/segments does, as Intercom segment objects', async () => {
    const gamma = await me.ok.companies.get(co.gamma.id);
    expect(gamma.segments).toEqual({
      type: 'segment.list',
      segments: expect.arrayContaining([
        { type: 'segment', id: seg.pro.id, name: 'Pro companies', created_at: seg.pro.created_at, updated_at: seg.pro.updated_at, person_type: 'user' },
        { type: 'segment', id: seg.key.id, name: 'Key companies', created_at: seg.key.created_at, updated_at: seg.key.updated_at, person_type: 'user' },
      ]),
    });
    expect(gamma.segments.segments).toHaveLength(2);
    expect(gamma.segments.segments).toEqual(await segmentsOf(co.gamma.id));
    expect(ids(await me.ok.companies.get(co.acme.id))).toEqual([seg.pro.id]);
    expect(ids(await me.ok.companies.get(co.beta.id))).toEqual([]);
    for (const v of ['2.11', '2.14', '2.16']) expect(ids(await me.ok.get(`/companies/${co.gamma.id}`, version(v)))).toEqual(sorted(seg.pro.id, seg.key.id));
  });

  it('POST /companies and PUT /companies/{id} answer the segments of the company as written', async () => {
    const saved = await me.ok.companies.save({ company_id: 'beta', size: 5000 });
    expect(ids(saved)).toEqual([seg.big.id]);
    const updated = await me.ok.companies.update(co.beta.id, { plan: 'Pro' });
    expect(ids(updated)).toEqual(sorted(seg.pro.id, seg.big.id));
    const reverted = await me.ok.companies.update(co.beta.id, { plan: 'Free', size: null });
    expect(ids(reverted)).toEqual([]);
    const created = await me.ok.companies.save({ company_id: 'delta', plan: 'Pro' });
    expect(ids(created)).toEqual([seg.pro.id]);
    co.delta = created;
    expect(ids(await me.ok.companies.retrieve({ company_id: 'gamma' }))).toEqual(sorted(seg.pro.id, seg.key.id));
    expect(ids(await me.ok.companies.retrieve({ name: 'Acme' }))).toEqual([seg.pro.id]);
  });

  it('every list page embeds each company its own segments: GET and POST lists, tag_id, segment_id, scroll, a contact\'s companies', async () => {
    await me.ok.companies.attach(contact.id, { id: co.gamma.id });
    const attached = await me.ok.companies.attach(contact.id, { id: co.beta.id });
    expect(ids(attached)).toEqual([]);
    await me.ok.companies.attach(contact.id, { id: co.acme.id });
    const pages: Json[][] = [
      (await me.ok.companies.retrieve()).data,
      (await me.ok.companies.list({ order: 'asc', per_page: 2 })).data,
      (await me.ok.companies.retrieve({ segment_id: seg.pro.id })).data,
      (await me.ok.companies.retrieve({ tag_id: (await me.ok.tags.list()).data[0].id })).data,
      (await me.ok.companies.scroll()).data,
      (await me.ok.get(`/contacts/${contact.id}/companies`)).data,
    ];
    for (const page of pages) {
      expect(page.length).toBeGreaterThan(0);
      for (const company of page) expect(company.segments.segments, company.company_id).toEqual(await segmentsOf(company.id));
    }
    // Companies made in one second are listed by id: compare by company_id.
    expect(Object.fromEntries(pages[0].map((company) => [company.company_id, ids(company)]))).toEqual({
      acme: [seg.pro.id],
      beta: [],
      gamma: sorted(seg.pro.id, seg.key.id),
      delta: [seg.pro.id],
    });
    const detached = await me.ok.delete(`/contacts/${contact.id}/companies/${co.gamma.id}`);
    expect(ids(detached)).toEqual(sorted(seg.pro.id, seg.key.id));
  });

  it('probes more segments than one statement holds (25) for a whole page, each company its own', async () => {
    const many: string[] = [];
    for (let i = 0; i < 30; i++) many.push((await define(`Named ${i}`, i % 2 === 0 ? f('name', '=', 'Acme') : f('name', '!=', 'Acme'))).id);
    const page = (await me.ok.companies.retrieve({ per_page: 10 })).data;
    const byId = new Map(page.map((company: Json) => [company.company_id, ids(company)]));
    expect(byId.get('acme')).toEqual(sorted(seg.pro.id, ...many.filter((_, i) => i % 2 === 0)));
    expect(byId.get('beta')).toEqual(sorted(...many.filter((_, i) => i % 2 === 1)));
    expect(byId.get('gamma')).toEqual(sorted(seg.pro.id, seg.key.id, ...many.filter((_, i) => i % 2 === 1)));
    for (const company of page) expect(company.segments.segments).toEqual(await segmentsOf(company.id));
    for (const id of many) await me.delete(`/segment_definitions/${id}`).expect(200);
  });

  it("changes the company's ETag when its segments change, so a conditional GET does not answer 304 with stale ones", async () => {
    const first = await me.companies.get(co.acme.id);
    const etag = first.headers.etag;
    expect((await me.companies.get(co.acme.id, { 'If-None-Match': etag })).status).toBe(304);
    const acmeOnly = await define('Acme only', f('company_id', '=', 'acme'));
    const again = await me.companies.get(co.acme.id, { 'If-None-Match': etag });
    expect(again.status).toBe(200);
    expect(ids(again.body)).toEqual(sorted(seg.pro.id, acmeOnly.id));
    await me.delete(`/segment_definitions/${acmeOnly.id}`).expect(200);
  });

  it('is an empty segment.list in a workspace without company segments', async () => {
    const other = api(t).as(await t.newWorkspace('no segments'));
    await other.ok.post('/segment_definitions', { name: 'People', query: f('role', '=', 'user') });
    const company = await other.ok.companies.save({ company_id: 'lonely', plan: 'Pro' });
    expect(company.segments).toEqual({ type: 'segment.list', segments: [] });
    expect((await other.ok.companies.retrieve()).data[0].segments).toEqual({ type: 'segment.list', segments: [] });
  });
});
