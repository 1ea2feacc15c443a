import { randomBytes } from 'node:crypto';
import { IntercomClient } from 'intercom-client';
import { Redis } from 'ioredis';
import { register } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from './support/nats.js';
import { type TestApp, startTestApp } from './support/test-app.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) console.log('rate-limits.e2e-spec: Redis tests SKIPPED, REDIS_URL is unset (e.g. REDIS_URL=redis://127.0.0.1:6379 runs them against a real Redis)');

// 60 a minute is 10 per 10-second window: small enough to exhaust in a test.
const LIMITED = { RATE_LIMIT_PER_MINUTE: '60' };
const WINDOW = 10;

const get = (t: TestApp, path: string, token?: string) =>
  fetch(`${t.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const admins = (t: TestApp, token?: string) => get(t, '/admins', token);
const limitHeaders = (res: Response) => ({
  limit: res.headers.get('x-ratelimit-limit'),
  remaining: res.headers.get('x-ratelimit-remaining'),
  reset: res.headers.get('x-ratelimit-reset'),
});
const nowSeconds = () => Date.now() / 1000;

async function expectRateLimited(res: Response) {
  expect(res.status).toBe(429);
  const body = await res.json();
  expect(body).toEqual({ type: 'error.list', request_id: expect.any(String), errors: [{ code: 'rate_limit_exceeded', message: expect.any(String) }] });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW);
  const { limit, remaining, reset } = limitHeaders(res);
  expect([limit, remaining]).toEqual(['10', '0']);
  // Unix seconds, as the SDK reads it: within the window (and rounded up, never early).
  expect(Number(reset)).toBeGreaterThanOrEqual(Math.floor(nowSeconds()) + retryAfter - 1);
  expect(Number(reset)).toBeLessThanOrEqual(nowSeconds() + WINDOW + 2);
}

/** Counts the token lookups the app sends to PostgreSQL (the named statement of WorkspacesService.authenticate). */
function countTokenQueries(t: TestApp) {
  const pool = t.pool as unknown as { query: (...args: unknown[]) => unknown };
  const query = pool.query.bind(pool);
  const counter = { n: 0 };
  pool.query = (...args: unknown[]) => {
    if ((args[0] as { name?: string })?.name === 'auth_token') counter.n++;
    return query(...args);
  };
  return counter;
}

describe('rate limits, each process counting alone (no REDIS_URL)', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string> = LIMITED) => {
    const t = await startTestApp(env);
    apps.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });

  it('answers 10 requests a window with the three headers, then 429 with Retry-After; another workspace is unaffected', async () => {
    const t = await start();
    const [noisy, quiet] = [await t.newWorkspace('noisy'), await t.newWorkspace('quiet')];
    for (let i = 1; i <= 10; i++) {
      const res = await admins(t, noisy.access_token);
      expect(res.status).toBe(200);
      const { limit, remaining, reset } = limitHeaders(res);
      expect([limit, remaining]).toEqual(['10', String(10 - i)]);
      expect(Number(reset)).toBeGreaterThan(nowSeconds());
      expect(Number(reset)).toBeLessThanOrEqual(nowSeconds() + WINDOW + 2);
    }
    await expectRateLimited(await admins(t, noisy.access_token));
    // Every route shares the workspace's budget.
    await expectRateLimited(await get(t, '/contacts', noisy.access_token));
    const other = await admins(t, quiet.access_token);
    expect(other.status).toBe(200);
    expect(limitHeaders(other).remaining).toBe('9');
    // Health, metrics and docs are never limited and carry no rate limit headers.
    for (let i = 0; i < 15; i++) expect((await get(t, '/health')).status).toBe(200);
    const health = await get(t, '/health');
    expect(limitHeaders(health)).toEqual({ limit: null, remaining: null, reset: null });
    const refused = await register.getSingleMetric('rate_limited_requests_total')?.get();
    expect(refused?.values.find((v) => v.labels.tracker === 'workspace')?.value).toBeGreaterThanOrEqual(2);
  });

  it('limits a flood of bad tokens per client address, asking the database about each token once at most', async () => {
    const t = await start();
    const queries = countTokenQueries(t);
    const statuses: number[] = [];
    // The same bad token 6 times, then distinct ones: the first is a query, its repeats are remembered.
    for (let i = 0; i < 6; i++) statuses.push((await admins(t, 'tok_bad_repeated')).status);
    expect(queries.n).toBe(1);
    const unauthorized = await admins(t, `tok_bad_${randomBytes(8).toString('hex')}`);
    // The 401 is exactly as it was: Intercom's envelope, and no rate limit headers.
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ type: 'error.list', request_id: expect.any(String), errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
    expect(limitHeaders(unauthorized)).toEqual({ limit: null, remaining: null, reset: null });
    statuses.push(401, (await admins(t)).status, (await admins(t, 'x')).status, (await admins(t)).status);
    expect(statuses).toEqual(Array(10).fill(401));
    const before = queries.n;
    for (let i = 0; i < 20; i++) await expectRateLimited(await admins(t, `tok_bad_${randomBytes(8).toString('hex')}`));
    expect(queries.n).toBe(before);
    // A valid token this process has not seen yet counts against the address too: it is the lookup that is limited.
    const ws = await t.newWorkspace();
    expect((await admins(t, ws.access_token)).status).toBe(429);
  });

  it('counts nothing with RATE_LIMIT_PER_MINUTE=0 (the default of the other tests)', async () => {
    const t = await start({});
    const ws = await t.newWorkspace();
    for (let i = 0; i < 25; i++) {
      const res = await admins(t, ws.access_token);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('is honoured by the official SDK: it waits for Retry-After and then succeeds', { timeout: 30_000 }, async () => {
    const t = await start();
    const ws = await t.newWorkspace();
    while ((await admins(t, ws.access_token)).status === 200);
    const started = Date.now();
    const client = new IntercomClient({ token: ws.access_token, baseUrl: t.baseUrl, maxRetries: 2 });
    const listed = await client.admins.list();
    expect(listed.admins?.length).toBe(1);
    expect(Date.now() - started).toBeGreaterThan(500);
  });
});

describe.skipIf(!REDIS_URL)('rate limits shared through Redis', () => {
  // A prefix of its own per run, so parallel or repeated runs never share a budget.
  const prefix = `contacts-test-${randomBytes(4).toString('hex')}:`;
  const shared = { ...LIMITED, REDIS_URL: REDIS_URL ?? '', REDIS_KEY_PREFIX: prefix };
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    [a, b] = [await startTestApp(shared), await startTestApp(shared)];
    redis = new Redis(REDIS_URL!);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('two app instances share one budget per workspace; another workspace is unaffected', async () => {
    const ws = await a.newWorkspace('shared');
    const other = await b.newWorkspace('other');
    const remaining: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await admins(i % 2 ? b : a, ws.access_token);
      expect(res.status).toBe(200);
      remaining.push(limitHeaders(res).remaining ?? '');
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    await expectRateLimited(await admins(a, ws.access_token));
    await expectRateLimited(await admins(b, ws.access_token));
    expect((await admins(a, other.access_token)).status).toBe(200);
    expect(Number(await redis.get(`${prefix}rate:workspace:${ws.workspace_id}`))).toBe(12);
    expect(await redis.pttl(`${prefix}rate:workspace:${ws.workspace_id}`)).toBeGreaterThan(0);
  });

  it('fails open to the process count while Redis is unreachable, and shares again once it is back', { timeout: 30_000 }, async () => {
    const { hostname, port } = new URL(REDIS_URL!);
    const proxy = new TcpProxy({ host: hostname, port: Number(port || 6379) });
    await proxy.listen();
    const t = await startTestApp({ ...shared, REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    try {
      const ws = await t.newWorkspace();
      const key = `${prefix}rate:workspace:${ws.workspace_id}`;
      expect((await admins(t, ws.access_token)).status).toBe(200);
      expect(await redis.get(key)).toBe('1');
      const errors = async () => (await register.getSingleMetric('rate_limit_store_errors_total')?.get())?.values[0]?.value ?? 0;
      const errorsBefore = await errors();
      await proxy.cut();
      const during = await Promise.all(Array.from({ length: 3 }, () => admins(t, ws.access_token)));
      expect(during.map((res) => res.status)).toEqual([200, 200, 200]);
      expect(during.every((res) => res.headers.get('x-ratelimit-remaining') !== null)).toBe(true);
      expect(await errors()).toBeGreaterThan(errorsBefore);
      expect(await redis.get(key)).toBe('1');
      await proxy.listen();
      const countInRedis = async () => {
        await admins(t, ws.access_token);
        return redis.get(key);
      };
      await expect.poll(countInRedis, { timeout: 15_000, interval: 250 }).not.toBe('1');
    } finally {
      await t.close();
      await proxy.cut();
    }
  });
});
