import pg from 'pg';
import { SEARCH_POOL, SEARCH_WORK_MEM_MB } from '@app/event-store';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Client, type Json, api } from './support/api.js';
import { storedEvents } from './support/stored-events.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { type TestApp, startTestApp } from './support/test-app.js';

/** Polls until `probe` answers true, or fails after `ms`. */
async function eventually(probe: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The answer of one request, and how long it took. */
async function timed(call: PromiseLike<{ status: number; body: Json; headers: Record<string, string> }>) {
  const started = Date.now();
  const res = await call;
  return { status: res.status, body: res.body, retryAfter: res.headers['retry-after'], ms: Date.now() - started };
}

const unavailable = (message = 'The database is not answering') => ({ type: 'error.list', request_id: expect.any(String), errors: [{ code: 'service_unavailable', message }] });

describe('PostgreSQL unreachable', () => {
  const databaseUrl = inject('databaseUrl');
  const proxy = TcpProxy.toPostgres(databaseUrl);
  // The test's own view of the database, not through the proxy.
  const direct = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  let t: TestApp;
  let as: Client;

  beforeAll(async () => {
    await proxy.listen();
    // The processors run inline, as by default: their sessions die with the cut too.
    t = await startTestApp({ DATABASE_URL: proxy.postgresUrl(databaseUrl), DB_CONNECT_TIMEOUT_MS: '1000', WORKERS: 'inline' });
    as = api(t).as(await t.newWorkspace());
  });
  afterAll(async () => {
    await proxy.cut();
    await t?.close().catch(() => undefined);
    await direct.end();
  });

  it('answers 503 service_unavailable with Retry-After, never 500 and never a hang, then 200 again without a restart; no acknowledged write is lost', async () => {
    const { id } = await as.ok.contacts.create({ email: 'outage@example.com' });
    await as.ok.contacts.update(id, { name: 'before' });

    // A writer that goes on through the outage: every answer is 200 or 503, and every 200 must be in the log.
    const acknowledged: string[] = [];
    const statuses = new Set<number>();
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n++) {
        const res = await as.contacts.update(id, { name: `write-${n}` });
        statuses.add(res.status);
        if (res.status === 200) acknowledged.push(`write-${n}`);
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await eventually(async () => acknowledged.length >= 3, 10_000);
    // Idle pooled sessions die with the cut too: an unheard pool 'error' would take the process down.
    // (Reads of a contact use the main pool; lists use the search pool, whose idle sessions die too.)
    await Promise.all(Array.from({ length: 4 }, () => as.ok.contacts.get(id)));
    await Promise.all(Array.from({ length: 2 }, () => as.ok.contacts.list()));
    expect(t.pool.idleCount).toBeGreaterThan(0);

    await proxy.cut();
    for (const answer of [await timed(as.contacts.update(id, { name: 'during' })), await timed(as.contacts.list()), await timed(as.get('/health'))]) {
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual(unavailable());
      expect(answer.retryAfter).toBe('1');
      // The connect timeout (1 s here) bounds it, or the refused connection answers at once.
      expect(answer.ms).toBeLessThan(3000);
    }

    await proxy.listen();
    await eventually(async () => (await as.get('/health')).status === 200, 10_000);
    const after = acknowledged.length;
    await eventually(async () => acknowledged.length >= after + 3, 10_000);
    writing = false;
    await writer;
    expect((await as.ok.contacts.update(id, { name: 'after' })).name).toBe('after');
    expect((await as.ok.contacts.list()).total_count).toBe(1);

    expect([...statuses].sort()).toEqual([200, 503]);
    const written = (await storedEvents({ pool: direct, app: t.app }, id)).map((event) => event.data.changes?.name?.to);
    for (const name of [...acknowledged, 'before', 'after']) expect(written).toContain(name);
  });
});

describe('slow and crowded database', () => {
  let t: TestApp | undefined;
  let locker: pg.Client | undefined;

  afterEach(async () => {
    await locker?.end().catch(() => undefined);
    locker = undefined;
    await t?.close();
    t = undefined;
  });

  async function lockWith(sql: string, values: unknown[] = []): Promise<pg.Client> {
    locker = new pg.Client({ connectionString: inject('databaseUrl') });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(sql, values);
    return locker;
  }

  it('cuts a write that waits on a lock at the statement timeout: 503 at once, nothing written, 200 once the lock is gone', async () => {
    t = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: '1000' });
    const as = api(t).as(await t.newWorkspace());
    const { id } = await as.ok.contacts.create({ email: 'locked@example.com' });
    const before = (await storedEvents(t, id)).length;

    await lockWith('SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE', [id]);
    const answer = await timed(as.contacts.update(id, { name: 'blocked' }));
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual(unavailable('The database took too long to answer'));
    expect(answer.retryAfter).toBe('1');
    expect(answer.ms).toBeGreaterThanOrEqual(900);
    expect(answer.ms).toBeLessThan(3000);
    expect(await storedEvents(t, id)).toHaveLength(before);

    await locker?.query('ROLLBACK');
    expect((await as.ok.contacts.update(id, { name: 'free' })).name).toBe('free');
    expect(await storedEvents(t, id)).toHaveLength(before + 1);
  });

  it('cuts a search at its own, shorter bound, and leaves the pooled sessions at the request bound', async () => {
    t = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: '10000', DB_SEARCH_TIMEOUT_MS: '500' });
    const as = api(t).as(await t.newWorkspace());
    await as.ok.contacts.create({ email: 'searched@example.com' });

    await lockWith('LOCK TABLE contacts IN ACCESS EXCLUSIVE MODE');
    const answer = await timed(as.contacts.search({ query: { field: 'email', operator: '=', value: 'searched@example.com' } }));
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual(unavailable('The database took too long to answer'));
    expect(answer.ms).toBeLessThan(3000);
    await locker?.query('ROLLBACK');

    expect((await as.ok.contacts.search({ query: { field: 'email', operator: '=', value: 'searched@example.com' } })).total_count).toBe(1);
    const sessions = await Promise.all(Array.from({ length: 3 }, () => t!.pool.query('SHOW statement_timeout')));
    expect(sessions.map((r) => r.rows[0].statement_timeout)).toEqual(['10s', '10s', '10s']);
    // The search sessions hold their bitmaps exact (SEARCH_WORK_MEM_MB); the writers keep the server's default.
    const search = t.app.get<pg.Pool>(SEARCH_POOL);
    expect((await search.query('SHOW work_mem')).rows[0].work_mem).toBe(`${SEARCH_WORK_MEM_MB}MB`);
    expect((await t.pool.query('SHOW work_mem')).rows[0].work_mem).not.toBe(`${SEARCH_WORK_MEM_MB}MB`);
  });

  it('answers 503 within the connect timeout when every pooled connection is taken', async () => {
    t = await startTestApp({ DB_POOL_SIZE: '1', DB_CONNECT_TIMEOUT_MS: '500' });
    const as = api(t).as(await t.newWorkspace());
    const contact = await as.ok.contacts.create({ email: 'crowded@example.com' });
    // The app's one pooled connection (list and search have a pool of their own; a read of a contact takes this one).
    const held = await t.pool.connect();
    try {
      const answer = await timed(as.contacts.get(contact.id));
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual(unavailable());
      expect(answer.retryAfter).toBe('1');
      expect(answer.ms).toBeLessThan(2000);
    } finally {
      held.release();
    }
    expect((await as.ok.contacts.get(contact.id)).id).toBe(contact.id);
  });
});
