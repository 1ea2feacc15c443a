import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api, version } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

interface Row {
  id: string;
  created_at: number;
}

describe('GET /contacts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  async function workspace(): Promise<{ client: Client; workspaceId: string }> {
    const ws = await t.newWorkspace();
    return { client: api(t).as(ws), workspaceId: ws.workspace_id };
  }

  async function createContacts(client: Client, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 10) {
      const batch = Array.from({ length: Math.min(10, count - i) }, (_, j) =>
        client.contacts.create({ email: `c${i + j}-${randomBytes(3).toString('hex')}@example.com`, name: `C ${i + j}` }),
      );
      for (const res of await Promise.all(batch)) {
        expect(res.status).toBe(200);
        ids.push(res.body.id);
      }
    }
    return ids;
  }

  /** The read model's own order, sorted here by (created_at, id): ids are lower-case hex, so code point order is the collation's. */
  async function visibleInOrder(workspaceId: string): Promise<Row[]> {
    const { rows } = await t.pool.query(
      `SELECT id, created_at FROM contacts WHERE workspace_id = $1 AND (state->>'archived') IS DISTINCT FROM 'true'`,
      [workspaceId],
    );
    return (rows as Row[]).sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  const after = (rows: Row[], last: Row) => rows.filter((r) => r.created_at > last.created_at || (r.created_at === last.created_at && r.id > last.id));

  async function pageThrough(client: Client, perPage: number) {
    const pages = [];
    let cursor: string | undefined;
    do {
      const res = await client.contacts.list({ per_page: perPage, ...(cursor ? { starting_after: cursor } : {}) });
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.pages.next?.starting_after;
    } while (cursor);
    return pages;
  }

  it('pages through every contact once, in (created_at, id) order, with next only while more remain', async () => {
    const { client, workspaceId } = await workspace();
    await createContacts(client, 5);
    const expected = (await visibleInOrder(workspaceId)).map((r) => r.id);

    for (const perPage of [1, 2, 5, 150]) {
      const pages = await pageThrough(client, perPage);
      const totalPages = Math.ceil(5 / perPage);
      expect(pages).toHaveLength(totalPages);
      expect(pages.flatMap((p) => p.data.map((c: { id: string }) => c.id))).toEqual(expected);
      pages.forEach((body, i) => {
        expect(body.type).toBe('list');
        expect(body.total_count).toBe(5);
        const last = i === totalPages - 1;
        expect(body.pages).toEqual({
          type: 'pages',
          page: i + 1,
          per_page: perPage,
          total_pages: totalPages,
          ...(last ? {} : { next: { per_page: perPage, starting_after: expect.stringMatching(/^[A-Za-z0-9_-]+$/) } }),
        });
        expect(body.data.every((c: { type: string }) => c.type === 'contact')).toBe(true);
      });
    }
  });

  it('defaults to 50 per page, accepts 150, ignores page, and refuses per_page outside 1..150', async () => {
    const { client } = await workspace();
    await createContacts(client, 51);
    const first = await client.contacts.list({ page: 3 });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(50);
    expect(first.body.total_count).toBe(51);
    expect(first.body.pages).toMatchObject({ page: 1, per_page: 50, total_pages: 2, next: { per_page: 50 } });
    const all = await client.contacts.list({ per_page: 150 });
    expect(all.body.data).toHaveLength(51);
    expect(all.body.pages.next).toBeUndefined();

    for (const perPage of ['0', '151', '-1', '1.5', 'ten']) {
      const res = await client.contacts.list({ per_page: perPage });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: 'error.list', errors: [{ code: 'parameter_invalid', field: 'per_page', message: 'per_page must be an integer between 1 and 150' }] });
    }
  });

  it('refuses a malformed or foreign cursor with 400', async () => {
    const { client } = await workspace();
    const sortedCursor = Buffer.from(JSON.stringify(['name:asc', 2, [true, 'x'], 'abc'])).toString('base64url');
    for (const cursor of ['not-a-cursor', '!!!', Buffer.from('[1,2]').toString('base64url'), sortedCursor]) {
      const res = await client.contacts.list({ starting_after: cursor });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'starting_after' });
    }
  });

  it('keeps a cursor correct while contacts are created and deleted between page fetches', async () => {
    const { client, workspaceId } = await workspace();
    await createContacts(client, 6);
    const initial = await visibleInOrder(workspaceId);
    let res = await client.contacts.list({ per_page: 2 });
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual(initial.slice(0, 2).map((r) => r.id));
    const seen = [...res.body.data.map((c: { id: string }) => c.id)];
    let lastSeen = initial[1];
    let round = 0;
    const removedIds = new Set<string>();

    while (res.body.pages.next) {
      // Between fetches: delete the last contact already seen and the next one not yet seen, create a new one.
      const upcoming = after(await visibleInOrder(workspaceId), lastSeen);
      const removed = [seen[seen.length - 1], ...(upcoming[0] ? [upcoming[0].id] : [])];
      for (const id of removed) {
        expect((await client.contacts.delete(id)).status).toBe(200);
        removedIds.add(id);
      }
      if (round++ < 2) await createContacts(client, 1);

      const remaining = after(await visibleInOrder(workspaceId), lastSeen);
      res = await client.contacts.list({ per_page: 2, starting_after: res.body.pages.next.starting_after });
      expect(res.status).toBe(200);
      const ids = res.body.data.map((c: { id: string }) => c.id);
      expect(ids).toEqual(remaining.slice(0, 2).map((r) => r.id));
      expect(res.body.total_count).toBe((await visibleInOrder(workspaceId)).length);
      expect(res.body.pages.page).toBe(seen.length / 2 + 1);
      expect(Boolean(res.body.pages.next)).toBe(remaining.length > 2);
      seen.push(...ids);
      lastSeen = remaining[ids.length - 1] ?? lastSeen;
    }
    expect(new Set(seen).size).toBe(seen.length);
    // Every contact that existed all along was seen: none was skipped by the deletions around the cursor.
    const survivors = initial.map((r) => r.id).filter((id) => !removedIds.has(id));
    expect(survivors.filter((id) => !seen.includes(id))).toEqual([]);
    expect(round).toBeGreaterThanOrEqual(2);
  });

  it('never lists archived contacts or another workspace', async () => {
    const a = await workspace();
    const b = await workspace();
    const [kept, archived] = await createContacts(a.client, 2);
    const [other] = await createContacts(b.client, 1);
    expect((await a.client.contacts.archive(archived)).status).toBe(200);

    const res = await a.client.contacts.list();
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([kept]);
    expect(res.body.total_count).toBe(1);
    const inB = await b.client.contacts.list({ per_page: 1 });
    expect(inB.body.data.map((c: { id: string }) => c.id)).toEqual([other]);
    expect(inB.body.pages.next).toBeUndefined();
  });

  it('renders contacts in the requested version', async () => {
    const { client } = await workspace();
    await createContacts(client, 1);
    const v211 = await client.contacts.list();
    const v214 = await client.contacts.list({}, version('2.14'));
    expect(v211.body.data[0]).not.toHaveProperty('enabled_push_messaging');
    expect(v214.body.data[0]).toHaveProperty('enabled_push_messaging', null);
  });
});
