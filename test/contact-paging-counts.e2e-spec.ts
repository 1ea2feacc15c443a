import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Client, api } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** What later pages cost: a search counts on page 1 only; the plain list never runs count(*) (it sums the counter rows). */
describe('counts of a paging session', () => {
  let t: TestApp;
  let statements: string[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    // Every statement the app sends on any pooled client (pool.query and the search's bounded transactions), as text.
    const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
    vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text: string };
      statements.push(typeof first === 'string' ? first : first.text);
      return query.apply(this, args);
    } as typeof pg.Client.prototype.query);
  });
  afterEach(() => {
    statements = [];
  });
  afterAll(() => t?.close());

  // A search counts its matches: from contacts, or from contact_search_values when one stored field decides them.
  const counts = () => statements.filter((sql) => /count\(\*\)/.test(sql) && /FROM (contacts c|contact_search_values v)/.test(sql));
  const counterReads = () => statements.filter((sql) => /FROM contact_counts/.test(sql));
  const ids = (body: { data: { id: string }[] }) => body.data.map((c) => c.id);

  async function seed(client: Client, tag: string, n: number): Promise<string[]> {
    const created = await Promise.all(Array.from({ length: n }, () => client.contacts.create({ email: `${tag}-${randomBytes(4).toString('hex')}@example.com` })));
    for (const res of created) expect(res.status).toBe(200);
    return created.map((res) => res.body.id);
  }

  it("a search counts on page 1 only; later pages answer page 1's total while contacts come and go", async () => {
    const ws = await t.newWorkspace();
    const client = api(t).as(ws);
    const initial = await seed(client, 'pager', 7);
    await seed(client, 'other', 2);
    const query = { field: 'email', operator: '^', value: 'pager-' };
    const search = (starting_after?: string) => client.contacts.search({ query, pagination: { per_page: 2, ...(starting_after ? { starting_after } : {}) } });

    statements = [];
    let res = await search();
    expect(res.body.total_count).toBe(7);
    expect(counts()).toHaveLength(1);
    const seen = ids(res.body);
    const removed = new Set<string>();
    let added = 0;
    for (let page = 2; res.body.pages.next; page++) {
      // Between pages the matching set changes: one created, one not yet seen deleted.
      await seed(client, 'pager', 1);
      added++;
      const gone = initial.find((id) => !seen.includes(id) && !removed.has(id));
      if (gone && page === 2) {
        expect((await client.contacts.delete(gone)).status).toBe(200);
        removed.add(gone);
      }
      statements = [];
      res = await search(res.body.pages.next.starting_after);
      expect(res.status).toBe(200);
      expect(counts(), `page ${page} ran a count`).toEqual([]);
      expect(res.body.total_count).toBe(7);
      expect(res.body.pages).toMatchObject({ page, total_pages: 4 });
      seen.push(...ids(res.body));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(initial.filter((id) => !removed.has(id) && !seen.includes(id))).toEqual([]);

    // A fresh session counts afresh.
    expect(added).toBeGreaterThan(1);
    expect((await search()).body.total_count).toBe(7 - removed.size + added);
  });

  it('recounts when the cursor comes from another search, and bounds a tampered total', async () => {
    const ws = await t.newWorkspace();
    const client = api(t).as(ws);
    await seed(client, 'alpha', 3);
    await seed(client, 'beta', 5);
    const first = await client.contacts.search({ query: { field: 'email', operator: '^', value: 'alpha-' }, pagination: { per_page: 1 } });
    const cursor = first.body.pages.next.starting_after as string;
    statements = [];
    const other = await client.contacts.search({ query: { field: 'email', operator: '^', value: 'beta-' }, pagination: { per_page: 1, starting_after: cursor } });
    expect(other.status).toBe(200);
    expect(other.body.total_count).toBe(5);
    expect(counts()).toHaveLength(1);

    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const forged = (total: unknown) => Buffer.from(JSON.stringify([...decoded.slice(0, 4), total, decoded[5]])).toString('base64url');
    const again = (starting_after: string) => client.contacts.search({ query: { field: 'email', operator: '^', value: 'alpha-' }, pagination: { per_page: 1, starting_after } });
    for (const bad of [-1, 1.5, 2 ** 53, '3', null]) {
      const res = await again(forged(bad));
      expect(res.status, String(bad)).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'starting_after' });
    }
    // A well-formed forged total misstates only that caller's own total_count.
    const lied = await again(forged(1000));
    expect(lied.status).toBe(200);
    expect(lied.body).toMatchObject({ total_count: 1000, pages: { page: 2, total_pages: 1000 } });
    expect(lied.body.data).toHaveLength(1);
  });

  it('the plain list never counts the contacts: every page sums the counter rows and is fresh', async () => {
    const ws = await t.newWorkspace();
    const client = api(t).as(ws);
    await seed(client, 'list', 5);
    statements = [];
    let res = await client.contacts.list({ per_page: 2 });
    expect(res.body.total_count).toBe(5);
    await seed(client, 'list', 1);
    res = await client.contacts.list({ per_page: 2, starting_after: res.body.pages.next.starting_after });
    expect(res.body.total_count).toBe(6);
    expect(counts()).toEqual([]);
    expect(counterReads()).toHaveLength(2);
  });

  it('answers in one statement a page 1 that holds every match, and every page of the plain list', async () => {
    const ws = await t.newWorkspace();
    const client = api(t).as(ws);
    const [only] = await seed(client, 'few', 3);
    await seed(client, 'rest', 2);
    // The statements that read contacts, their search values or their counters.
    const reads = () => statements.filter((sql) => /FROM (contacts c|contact_search_values v|contact_counts)/.test(sql));
    const search = (query: object, per_page: number) => client.contacts.search({ query, pagination: { per_page } });

    // Room to spare on page 1: its rows are the count, exact.
    statements = [];
    const prefix = await search({ field: 'email', operator: '^', value: 'few-' }, 3);
    expect(prefix.body).toMatchObject({ total_count: 3, pages: { page: 1, total_pages: 1 } });
    expect(prefix.body.data).toHaveLength(3);
    expect(reads()).toHaveLength(1);
    const email = (await client.contacts.get(only)).body.email as string;
    statements = [];
    const exact = await search({ field: 'email', operator: '=', value: email }, 50);
    expect(exact.body).toMatchObject({ total_count: 1, data: [{ id: only }] });
    expect(reads()).toHaveLength(1);
    statements = [];
    const none = await search({ field: 'email', operator: '=', value: 'nobody@example.com' }, 50);
    expect(none.body).toMatchObject({ total_count: 0, data: [] });
    expect(reads()).toHaveLength(1);

    // A full page 1 cannot tell: the search counts.
    statements = [];
    const full = await search({ field: 'email', operator: '^', value: 'few-' }, 2);
    expect(full.body).toMatchObject({ total_count: 3, pages: { total_pages: 2 } });
    expect(counts()).toHaveLength(1);

    // The plain list reads its total in the page's own statement, on page 1 and on later pages.
    statements = [];
    const page1 = await client.contacts.list({ per_page: 3 });
    expect(page1.body).toMatchObject({ total_count: 5, pages: { total_pages: 2 } });
    expect(reads()).toHaveLength(1);
    expect(counterReads()).toHaveLength(1);
    // A later page left empty (its contacts deleted meanwhile) has no row to carry the total: it reads the counters.
    for (const contact of (await client.contacts.list({ per_page: 2, starting_after: page1.body.pages.next.starting_after })).body.data) {
      expect((await client.contacts.delete(contact.id)).status).toBe(200);
    }
    statements = [];
    const empty = await client.contacts.list({ per_page: 3, starting_after: page1.body.pages.next.starting_after });
    expect(empty.body).toMatchObject({ total_count: 3, data: [] });
    expect(reads()).toHaveLength(2);
  });
});
