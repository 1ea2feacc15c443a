import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContactViews } from '../libs/contacts/src/store/contact-views.repository.js';
import { api } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** GET /contacts/{id} in parallel: reads by id share queries (ContactViews, issue 12), and nobody sees that they do. */
describe('parallel reads of contacts', () => {
  let t: TestApp;
  let findQueries = 0;
  let loadQueries = 0;
  let query: TestApp['pool']['query'];

  beforeAll(async () => {
    t = await startTestApp();
    query = t.pool.query;
    t.pool.query = function (this: unknown, ...args: unknown[]) {
      const name = (args[0] as { name?: string })?.name;
      if (name === 'contacts_find_many') findQueries++;
      if (name === 'contacts_load_many') loadQueries++;
      return (query as (...a: unknown[]) => unknown).apply(t.pool, args);
    } as TestApp['pool']['query'];
  });
  afterEach(() => {
    findQueries = 0;
    loadQueries = 0;
  });
  afterAll(async () => {
    if (t) t.pool.query = query;
    await t?.close();
  });

  it('answers each GET its own contact, byte for byte and with its ETag', async () => {
    const me = api(t).as(await t.newWorkspace());
    const other = api(t).as(await t.newWorkspace());
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => me.ok.contacts.create({ email: `p${i}@example.com`, name: `P ${i}` }).then((c) => c.id)));
    const theirs = (await other.ok.contacts.create({ email: 'theirs@example.com' })).id;
    const alone = new Map<string, { status: number; text: string; etag?: string }>();
    for (const id of [...ids, theirs, 'no-such-contact']) {
      const res = await me.contacts.get(id);
      alone.set(id, { status: res.status, text: res.text, etag: res.headers.etag });
    }

    // Every id twice (one reader's copy is never another's), another workspace's contact and a missing one.
    const wanted = [...ids, ...ids, theirs, 'no-such-contact'];
    const answers = await Promise.all(wanted.map((id) => me.contacts.get(id)));
    answers.forEach((res, i) => {
      const expected = alone.get(wanted[i])!;
      expect(res.status).toBe(expected.status);
      if (expected.status === 200) expect({ text: res.text, etag: res.headers.etag }).toEqual({ text: expected.text, etag: expected.etag });
      else expect(res.body.errors[0].code).toBe('not_found');
    });
  });

  it('reads by id asked for in one turn go out as one query per workspace, at most 64 ids each', async () => {
    const [ws, other] = [await t.newWorkspace(), await t.newWorkspace()];
    const ids = await Promise.all(Array.from({ length: 70 }, (_, i) => api(t).as(ws).ok.contacts.create({ email: `b${i}@example.com` }).then((c) => c.id)));
    const theirs = (await api(t).as(other).ok.contacts.create({ email: 'b@example.com' })).id;
    const views = t.app.get(ContactViews);
    findQueries = 0;
    const found = await Promise.all([...ids.map((id) => views.find(ws.workspace_id, id)), views.find(ws.workspace_id, theirs), views.find(other.workspace_id, theirs)]);
    expect(findQueries).toBe(3);
    expect(found.map((view) => view?.state.id ?? null)).toEqual([...ids, null, theirs]);
    expect(found.every((view) => view === null || view.version === 1)).toBe(true);
  });

  it("a merge loads its lead and its user in one query, and answers the merged user", async () => {
    const me = api(t).as(await t.newWorkspace());
    const user = await me.ok.contacts.create({ email: 'into@example.com', role: 'user' });
    const lead = await me.ok.contacts.create({ role: 'lead', name: 'From' });
    loadQueries = 0;
    const merged = await me.ok.contacts.merge({ from: lead.id, into: user.id });
    expect(merged).toMatchObject({ id: user.id, name: 'From' });
    expect(loadQueries).toBe(1);
  });

  it('a GET sent after a PUT answered sees the PUT, however many reads are in flight', async () => {
    const me = api(t).as(await t.newWorkspace());
    const id = (await me.ok.contacts.create({ email: 'ryw@example.com', name: 'v0' })).id;
    for (let n = 1; n <= 10; n++) {
      const inFlight = Array.from({ length: 10 }, () => me.contacts.get(id));
      expect((await me.contacts.update(id, { name: `v${n}` })).status).toBe(200);
      expect((await me.ok.contacts.get(id)).name).toBe(`v${n}`);
      for (const res of await Promise.all(inFlight)) expect(res.status).toBe(200);
    }
  });
});
