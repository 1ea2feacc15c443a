import { LongPollSlots } from '@app/contacts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api } from './support/api.js';
import { type TestApp, startTestApp } from './support/test-app.js';

describe('GET /changes?wait=: the cap on waiting long-polls', () => {
  let t: TestApp;
  let slots: LongPollSlots;
  const workspace = async () => api(t).as(await t.newWorkspace());
  /**
   * The cursor after the workspace's `events` events, where a long-poll waits. The feed shows an event only once
   * no older transaction runs on the server (other tests' too), so read until it is there.
   */
  const end = async (as: Client, events = 0) => {
    for (;;) {
      const page = await as.ok.changes();
      if (page.data.length >= events) return page.next_cursor as string;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    // One pooled connection: waiting long-polls must not hold it, or nothing else could be answered.
    t = await startTestApp({ LONG_POLL_MAX_PER_WORKSPACE: '2', LONG_POLL_MAX_PER_PROCESS: '3', DB_POOL_SIZE: '1' });
    slots = t.app.get(LongPollSlots, { strict: false });
  });
  afterAll(() => t?.close());

  it('answers over the workspace cap with 429 and over the process cap with 503, at once and with Retry-After; reads and other requests go on', async () => {
    const [a, b, c] = [await workspace(), await workspace(), await workspace()];
    await c.ok.contacts.create({ email: 'c@example.com' });
    const [atA, atB, atC] = [await end(a), await end(b), await end(c, 1)];
    const waiting = [a.changes({ after: atA, wait: 3 }), a.changes({ after: atA, wait: 3 }), b.changes({ after: atB, wait: 3 })].map((r) => r.then((res) => res));
    await expect.poll(() => slots.waiting, { timeout: 5000 }).toBe(3);

    const started = Date.now();
    const overWorkspace = await a.changes({ after: atA, wait: 3 });
    expect(overWorkspace.status).toBe(429);
    expect(overWorkspace.body.errors).toEqual([{ code: 'rate_limit_exceeded', message: expect.stringContaining('At most 2') }]);
    expect(overWorkspace.headers['retry-after']).toBe('1');
    const overProcess = await c.changes({ after: atC, wait: 3 });
    expect(overProcess.status).toBe(503);
    expect(overProcess.body.errors).toEqual([{ code: 'service_unavailable', message: expect.any(String) }]);
    expect(overProcess.headers['retry-after']).toBe('1');
    expect(Date.now() - started).toBeLessThan(1500);

    // The cap is on waiting, not on reading: a read without wait, or one that finds events, answers.
    expect((await a.changes({ after: atA })).status).toBe(200);
    expect((await c.ok.changes({ wait: 3 })).data).toHaveLength(1);
    // The waiting polls hold no pooled connection between reads (the pool has one).
    expect((await c.ok.contacts.list()).total_count).toBe(1);

    for (const res of await Promise.all(waiting)) {
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([]);
    }
    expect(slots.waiting).toBe(0);
    expect((await a.changes({ after: atA, wait: 1 })).status).toBe(200);
  });

  it('serves HTTP with bounded connection, request and keep-alive times, the inactivity bound above the longest wait', () => {
    const server = t.app.getHttpServer();
    expect({ timeout: server.timeout, requestTimeout: server.requestTimeout, keepAliveTimeout: server.keepAliveTimeout }).toEqual({
      timeout: 60_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 72_000,
    });
    expect(server.timeout).toBeGreaterThan(30_000);
  });

  it('gives the slot back when the client goes away', async () => {
    const a = await workspace();
    const at = await end(a);
    const gone = a.changes({ after: at, wait: 20 });
    const settled = gone.then(
      () => undefined,
      () => undefined,
    );
    await expect.poll(() => slots.waiting, { timeout: 5000 }).toBe(1);
    gone.abort();
    await settled;
    await expect.poll(() => slots.waiting, { timeout: 5000 }).toBe(0);
  });
});
