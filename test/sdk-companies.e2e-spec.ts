import { IntercomClient, type IntercomError } from 'intercom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The error a call must fail with. */
const failure = (call: Promise<unknown>): Promise<IntercomError> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: IntercomError) => error,
  );

const NOT_FOUND = { type: 'error.list', request_id: expect.any(String), errors: [{ code: 'company_not_found', message: 'Company Not Found' }] };

/** Every method of the 7.0.3 SDK's `companies`, and `tags.create` with companies, against the app. */
describe.each(['2.11', '2.14'] as const)('the official SDK companies client at Intercom-Version %s', (version) => {
  let t: TestApp;
  let client: IntercomClient;
  let ws: Awaited<ReturnType<TestApp['newWorkspace']>>;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('sdk-companies');
    client = new IntercomClient({ token: ws.access_token, baseUrl: t.baseUrl, version, maxRetries: 0 });
  });
  afterAll(() => t?.close());

  it('createOrUpdate, find, retrieve by company_id and name, update', async () => {
    const created = await client.companies.createOrUpdate({ company_id: 'sdk-1', name: 'my company', remote_created_at: 1374138000, plan: 'Pro', monthly_spend: 155.98 });
    expect(created).toMatchObject({ type: 'company', company_id: 'sdk-1', name: 'my company', remote_created_at: 1374138000, monthly_spend: 155, plan: { type: 'plan', name: 'Pro' } });
    expect(created.plan?.id).toMatch(/^\d+$/);
    expect(await client.companies.find({ company_id: created.id })).toEqual(created);
    expect(await client.companies.retrieve({ company_id: 'sdk-1' })).toEqual(created);
    expect(await client.companies.retrieve({ name: 'my company' })).toEqual(created);
    const again = await client.companies.createOrUpdate({ company_id: 'sdk-1', industry: 'Manufacturing' });
    expect(again).toMatchObject({ id: created.id, name: 'my company', industry: 'Manufacturing' });
    const updated = await client.companies.update({ company_id: created.id, body: { name: 'renamed', website: 'http://www.mycompany.com/' } });
    expect(updated).toMatchObject({ id: created.id, company_id: 'sdk-1', name: 'renamed', website: 'http://www.mycompany.com/' });
    expect((await failure(client.companies.find({ company_id: '650cbc286d0a728750658b15' }))).statusCode).toBe(404);
    const missing = await failure(client.companies.retrieve({ company_id: 'never' }));
    expect([missing.statusCode, missing.body]).toEqual([404, NOT_FOUND]);
    expect((await failure(client.companies.update({ company_id: '650cbc286d0a728750658b15', body: { name: 'x' } }))).statusCode).toBe(404);
  });

  it('attachContact, listAttachedContacts, listAttachedSegments, detachContact', async () => {
    const company = await client.companies.createOrUpdate({ company_id: 'sdk-attach', name: 'Attach' });
    const contact = await client.contacts.create({ email: `sdk-attach-${version}@example.com` });
    const attached = await client.companies.attachContact({ contact_id: contact.id, id: company.id });
    expect(attached).toMatchObject({ id: company.id, user_count: 1 });
    const contacts = await client.companies.listAttachedContacts({ company_id: company.id });
    expect(contacts).toMatchObject({ type: 'list', total_count: 1, pages: { type: 'pages', page: 1, total_pages: 1 } });
    expect(contacts.data?.map((c) => c.id)).toEqual([contact.id]);
    expect(await client.companies.listAttachedSegments({ company_id: company.id })).toEqual({ type: 'list', data: [] });
    expect(await client.companies.detachContact({ contact_id: contact.id, company_id: company.id })).toMatchObject({ id: company.id, user_count: 0 });
    expect((await failure(client.companies.listAttachedContacts({ company_id: '650cbc286d0a728750658b15' }))).statusCode).toBe(404);
    expect((await failure(client.companies.listAttachedSegments({ company_id: '650cbc286d0a728750658b15' }))).statusCode).toBe(404);
  });

  it('listAttachedSegments and retrieve by segment_id answer a company segment', async () => {
    const company = await client.companies.createOrUpdate({ company_id: 'sdk-seg', name: 'Segmented', industry: `SDK ${version}` });
    await client.companies.createOrUpdate({ company_id: 'sdk-seg-other', name: 'Other' });
    // Segments are defined through the service's own route (Intercom's are read-only, and so is the SDK).
    const query = { field: 'industry', operator: '=', value: `SDK ${version}` };
    const segment = await api(t).as(ws).ok.post('/segment_definitions', { name: `SDK companies ${version}`, target: 'companies', query });
    const item = { type: 'segment', id: segment.id, name: segment.name, created_at: segment.created_at, updated_at: segment.updated_at, person_type: 'user' };
    expect(await client.companies.listAttachedSegments({ company_id: company.id })).toEqual({ type: 'list', data: [item] });
    const listed = await client.companies.retrieve({ segment_id: segment.id });
    expect(listed).toMatchObject({ type: 'list', total_count: 1 });
    expect((listed as { data: { id: string }[] }).data.map((c) => c.id)).toEqual([company.id]);
    expect((await client.segments.find({ segment_id: segment.id }))).toEqual(item);
  });

  it('tags companies with tags.create, and retrieve lists them by tag_id', async () => {
    const [a, b] = [await client.companies.createOrUpdate({ company_id: 'sdk-tag-a' }), await client.companies.createOrUpdate({ company_id: 'sdk-tag-b' })];
    const tag = await client.tags.create({ name: 'SDK Partner', companies: [{ id: a.id }, { company_id: 'sdk-tag-b' }] });
    expect(tag).toMatchObject({ type: 'tag', name: 'SDK Partner' });
    const tagged = await client.companies.retrieve({ tag_id: tag.id });
    expect(tagged.type).toBe('list');
    expect(new Set((tagged as { data: { id: string }[] }).data.map((c) => c.id))).toEqual(new Set([a.id, b.id]));
    await client.tags.create({ name: 'SDK Partner', companies: [{ id: a.id, company_id: 'sdk-tag-a', untag: true }] });
    expect((await client.companies.find({ company_id: a.id })).tags?.tags).toEqual([]);
    const unknown = await failure(client.tags.create({ name: 'SDK Partner', companies: [{ company_id: '123' }] }));
    expect([unknown.statusCode, unknown.body]).toEqual([404, NOT_FOUND]);
  });

  it('list pages by page number and scroll follows scroll_param, each reaching every company once', async () => {
    const all = new Set<string>();
    for (let i = 0; i < 4; i++) all.add((await client.companies.createOrUpdate({ company_id: `sdk-page-${i}` })).id);
    const listed: string[] = [];
    for await (const company of await client.companies.list({ per_page: 3 })) listed.push(company.id);
    const scrolled: string[] = [];
    for await (const company of await client.companies.scroll()) scrolled.push(company.id);
    for (const seen of [listed, scrolled]) {
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of all) expect(seen).toContain(id);
    }
    expect(scrolled.length).toBe(listed.length);
  });

  it('delete answers deleted_company_object, and the company is gone', async () => {
    const company = await client.companies.createOrUpdate({ company_id: 'sdk-delete' });
    expect(await client.companies.delete({ company_id: company.id })).toEqual({ id: company.id, object: 'company', deleted: true });
    expect((await failure(client.companies.find({ company_id: company.id }))).statusCode).toBe(404);
    expect((await failure(client.companies.delete({ company_id: company.id }))).statusCode).toBe(404);
  });
});
