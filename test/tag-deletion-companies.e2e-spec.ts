import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TagCompaniesHandler } from '../libs/contacts/src/companies/tag-companies.handler.js';
import { TagCatalog } from '../libs/contacts/src/tags/tag-catalog.repository.js';
import { TagDetacher } from '../libs/contacts/src/tags/tag-detacher.js';
import { TagDetachmentLoop } from '../libs/contacts/src/tags/tag-detachment.loop.js';
import { type Client, type Json, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The request's own share of a deletion here: fewer than the tag's companies, so the worker has some left. */
const IN_REQUEST = 5;
const COMPANIES = 12;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('DELETE /tags/{id} on companies: the request untags the first, the worker the rest', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ TAG_DETACH_IN_REQUEST: String(IN_REQUEST) });
  });
  afterAll(() => t?.close());

  /** A workspace with COMPANIES companies and two contacts carrying one tag (and one more company that does not). */
  async function tagged(name: string) {
    const workspace = await t.newWorkspace();
    const me = api(t).as(workspace);
    const companies: Json[] = [];
    for (let i = 0; i < COMPANIES; i++) companies.push(await me.ok.companies.save({ company_id: `${name}-${i}`, name: `${name} ${i}` }));
    const untouched = await me.ok.companies.save({ company_id: `${name}-untouched` });
    const contacts = [await me.ok.contacts.create({ role: 'lead' }), await me.ok.contacts.create({ email: `${name}@example.com` })];
    const tag = await me.ok.tags.save({ name, companies: companies.map((company) => ({ id: company.id })) });
    await me.ok.tags.save({ name, users: contacts.map((contact) => ({ id: contact.id })) });
    const byId = [...companies].sort((a, b) => (a.id < b.id ? -1 : 1));
    return { workspaceId: workspace.workspace_id as string, me, tag, companies: byId, untouched, contacts };
  }

  const progress = (tagId: string) =>
    t.pool
      .query('SELECT company_cursor, companies_done, companies_detached::int, cursor, detached::int, done_at, claimed_until FROM tag_deletions WHERE tag_id = $1', [tagId])
      .then((r) => r.rows[0]);
  const untagEvents = async (streamId: string, type: string) => (await storedEvents(t, streamId)).filter((event) => event.event_type === type);
  const untaggedCompanies = async (companies: Json[]) => {
    const untagged = [];
    for (const company of companies) if ((await untagEvents(company.id, 'CompanyUntagged')).length > 0) untagged.push(company.id);
    return untagged;
  };

  /** Every company and contact carries exactly one untag event of the deleting request; the other company none. */
  async function expectAllUntagged(me: Client, setup: Awaited<ReturnType<typeof tagged>>, requestId: string) {
    for (const company of setup.companies) {
      const events = await untagEvents(company.id, 'CompanyUntagged');
      expect(events.map((event) => event.data), company.id).toEqual([{ tag_id: setup.tag.id, occurred_at: expect.any(Number) }]);
      expect(events[0].metadata.request_id).toBe(requestId);
      const state = await t.pool.query('SELECT state FROM companies WHERE id = $1', [company.id]);
      expect(state.rows[0].state.tag_ids).toEqual([]);
      expect((await me.ok.companies.get(company.id)).tags.tags).toEqual([]);
    }
    for (const contact of setup.contacts) {
      const events = await untagEvents(contact.id, 'ContactUntagged');
      expect(events.map((event) => event.data)).toEqual([{ tag_id: setup.tag.id, occurred_at: expect.any(Number) }]);
      expect(events[0].metadata.request_id).toBe(requestId);
    }
    expect(await untagEvents(setup.untouched.id, 'CompanyUntagged')).toEqual([]);
    const left = await t.pool.query('SELECT count(*)::int AS n FROM company_tags WHERE workspace_id = $1 AND tag_id = $2', [setup.workspaceId, setup.tag.id]);
    expect(left.rows[0].n).toBe(0);
  }

  /** DELETE as a client sends it; answers the request id its events carry. */
  async function deleteTag(setup: Awaited<ReturnType<typeof tagged>>): Promise<string> {
    const res = await setup.me.delete(`/tags/${setup.tag.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const [first] = await untagEvents(setup.companies[0].id, 'CompanyUntagged');
    expect(first.metadata.request_id).toMatch(UUID);
    return first.metadata.request_id;
  }

  it('untags the first TAG_DETACH_IN_REQUEST companies by id in the request, hides the tag at once, and the worker untags the rest', async () => {
    const setup = await tagged('Spread');
    const { me, tag, companies } = setup;
    const requestId = await deleteTag(setup);
    // Right after the answer: the tag is gone everywhere, though most companies still hold it in their streams.
    const after = await progress(tag.id);
    expect(after).toMatchObject({ companies_detached: IN_REQUEST, companies_done: false, detached: 0, done_at: null, claimed_until: null });
    expect(after.company_cursor).toBe(companies[IN_REQUEST - 1].id);
    expect(await untaggedCompanies(companies)).toEqual(companies.slice(0, IN_REQUEST).map((company) => company.id));
    expect((await me.get(`/tags/${tag.id}`)).status).toBe(404);
    expect((await me.ok.tags.list()).data.map((listed: Json) => listed.id)).not.toContain(tag.id);
    expect((await me.ok.companies.get(companies[COMPANIES - 1].id)).tags.tags).toEqual([]);
    expect(await me.ok.companies.retrieve({ tag_id: tag.id })).toMatchObject({ data: [], total_count: 0 });
    expect((await me.ok.tags.of(setup.contacts[0].id)).data).toEqual([]);

    // The worker's loop calls step(): one batch drains the other companies, then the contacts.
    const detacher = t.app.get(TagDetacher);
    while (await detacher.step());
    expect(await progress(tag.id)).toMatchObject({ companies_detached: COMPANIES, companies_done: true, detached: 2, done_at: expect.any(Number), claimed_until: null });
    await expectAllUntagged(me, setup, requestId);
    expect(await detacher.step()).toBe(false);
  });

  it("waits out a crashed walker's claim, then resumes after its cursor; a batch repeated after a crash records nothing", async () => {
    const setup = await tagged('Resumed');
    const { tag, companies } = setup;
    const requestId = await deleteTag(setup);
    // As if a worker had claimed the deletion and died: nobody takes it while the claim lasts.
    await t.pool.query(`UPDATE tag_deletions SET claimed_until = now() + interval '1 hour' WHERE tag_id = $1`, [tag.id]);
    const detacher = t.app.get(TagDetacher);
    while (await detacher.step());
    expect(await progress(tag.id)).toMatchObject({ companies_detached: IN_REQUEST, done_at: null });
    expect(await untaggedCompanies(companies)).toHaveLength(IN_REQUEST);
    await t.pool.query(`UPDATE tag_deletions SET claimed_until = now() - interval '1 second' WHERE tag_id = $1`, [tag.id]);
    while (await detacher.step());
    expect(await progress(tag.id)).toMatchObject({ companies_detached: COMPANIES, companies_done: true, detached: 2, done_at: expect.any(Number) });
    await expectAllUntagged(setup.me, setup, requestId);

    // A crash after the appends but before the cursor was stored repeats the walk: every untagging is a no-op.
    await t.pool.query(`UPDATE tag_deletions SET company_cursor = '', companies_done = false, cursor = '', done_at = NULL WHERE tag_id = $1`, [tag.id]);
    while (await detacher.step());
    expect(await progress(tag.id)).toMatchObject({ companies_detached: COMPANIES, detached: 2, done_at: expect.any(Number) });
    await expectAllUntagged(setup.me, setup, requestId);
  });

  it("is finished by the worker's loop on its own", async () => {
    const setup = await tagged('Looped');
    const requestId = await deleteTag(setup);
    const loop = new TagDetachmentLoop(t.app.get(TagDetacher));
    loop.onApplicationBootstrap();
    try {
      await until(async () => (await progress(setup.tag.id)).done_at !== null, 'the loop to finish the deletion');
    } finally {
      await loop.beforeApplicationShutdown();
    }
    expect(await progress(setup.tag.id)).toMatchObject({ companies_detached: COMPANIES, companies_done: true, detached: 2 });
    await expectAllUntagged(setup.me, setup, requestId);
  });

  it('a company tagging that read the tag just before its deletion takes itself back and answers 404', async () => {
    const setup = await tagged('Raced');
    const late = await setup.me.ok.companies.save({ company_id: 'raced-late' });
    await deleteTag(setup);
    while (await t.app.get(TagDetacher).step());
    // As if the tagging had found the tag by name a moment before the DELETE made it a tombstone.
    const catalog = (t.app.get(TagCompaniesHandler) as unknown as { tags: TagCatalog }).tags;
    const create = catalog.create;
    catalog.create = async () => ({ id: setup.tag.id, name: setup.tag.name });
    try {
      const res = await setup.me.tags.save({ name: 'Raced', companies: [{ id: late.id }] });
      expect(res.status).toBe(404);
      expect(res.body.errors).toEqual([{ code: 'not_found', message: 'Resource Not Found' }]);
    } finally {
      catalog.create = create;
    }
    expect((await storedEvents(t, late.id)).map((event) => event.event_type)).toEqual(['CompanyCreated', 'CompanyTagged', 'CompanyUntagged']);
    expect((await setup.me.ok.companies.get(late.id)).tags.tags).toEqual([]);
  });
});
