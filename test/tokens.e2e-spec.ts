import { createHash, createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresEventStore } from '@app/event-store';
import { LIMITS } from '@app/intercom';
import { WebhooksWorker } from '@app/webhooks';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { UsageError, runCli } from '../apps/contacts-api/src/cli-commands.js';
import { api } from './support/api.js';
import { UUID } from './support/shape.js';
import { type TestApp, startTestApp } from './support/test-app.js';

type Out = Record<string, any>;
const UNAUTHORIZED = { type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] };
const env = (extra: Record<string, string> = {}) => ({ DATABASE_URL: inject('databaseUrl'), ...extra });
const cli = async (...argv: string[]) => (await runCli(argv, env())) as any;
const status = async (t: TestApp, token: string) => (await api(t).as(token).admins.list()).status;

describe('access tokens: token create, list and revoke', () => {
  // A short token cache, so that the bound a revocation waits for is short too.
  const CACHE_MS = 1000;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // Two replicas sharing the database, each with its own token cache.
    a = await startTestApp({ TOKEN_CACHE_MS: String(CACHE_MS) });
    b = await startTestApp({ TOKEN_CACHE_MS: String(CACHE_MS) });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('token create prints a working token once; only its hash and last 4 characters are stored; token list never shows a token', async () => {
    const ws: Out = await cli('workspace', 'create', '--name', 'tokens');
    const made: Out = await cli('token', 'create', '--workspace', ws.workspace_id, '--name', 'ci deploy');
    expect(Object.keys(made)).toEqual(['id', 'workspace_id', 'name', 'last4', 'created_at', 'revoked_at', 'access_token']);
    expect(made).toMatchObject({ id: expect.any(Number), workspace_id: ws.workspace_id, name: 'ci deploy', revoked_at: null });
    expect(made.access_token).toMatch(/^tok_[A-Za-z0-9_-]{43}$/);
    expect(made.access_token).not.toBe(ws.access_token);
    expect(made.last4).toBe(made.access_token.slice(-4));
    expect(made.created_at).toBeCloseTo(Date.now() / 1000, -1);
    expect(await status(a, made.access_token)).toBe(200);

    const { rows } = await a.pool.query('SELECT * FROM access_tokens WHERE workspace_id = $1 ORDER BY id', [ws.workspace_id]);
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(made.access_token.slice(4, 20));
    expect(JSON.stringify(rows)).not.toContain(ws.access_token.slice(4, 20));

    const listed: Out[] = await cli('token', 'list', '--workspace', ws.workspace_id);
    expect(listed).toEqual([
      { id: expect.any(Number), workspace_id: ws.workspace_id, name: null, last4: ws.access_token.slice(-4), created_at: expect.any(Number), revoked_at: null },
      { id: made.id, workspace_id: ws.workspace_id, name: 'ci deploy', last4: made.last4, created_at: made.created_at, revoked_at: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(made.access_token);
    expect(JSON.stringify(listed)).not.toContain(ws.access_token);
  });

  it('a revoked token answers 401 on every replica within TOKEN_CACHE_MS; the other tokens keep working', async () => {
    const ws: Out = await cli('workspace', 'create', '--name', 'revocation');
    const doomed: Out = await cli('token', 'create', '--workspace', ws.workspace_id, '--name', 'leaked');
    const kept: Out = await cli('token', 'create', '--workspace', ws.workspace_id, '--name', 'kept');
    // Both replicas check the token now, and cache it.
    for (const replica of [a, b]) expect(await status(replica, doomed.access_token)).toBe(200);

    // The CLI is another process as far as the replicas go: it cannot reach their caches.
    const revoked: Out = await cli('token', 'revoke', '--workspace', ws.workspace_id, String(doomed.id));
    const revokedAt = Date.now();
    expect(revoked).toEqual({ ...doomed, access_token: undefined, revoked_at: expect.any(Number) });
    expect(Object.keys(revoked)).not.toContain('access_token');

    // Every entry cached before the revocation has run out by now.
    await sleep(revokedAt + CACHE_MS + 50 - Date.now());
    for (const replica of [a, b]) {
      for (const authorization of [`Bearer ${doomed.access_token}`, `Basic ${Buffer.from(`${doomed.access_token}:`).toString('base64')}`]) {
        const res = await api(replica).as(null, { Authorization: authorization }).admins.list();
        expect(res.status).toBe(401);
        expect(res.body).toEqual(UNAUTHORIZED);
      }
      const write = await api(replica).as(doomed.access_token).contacts.create({ email: 'after-revoke@example.com' });
      expect([write.status, write.body]).toEqual([401, UNAUTHORIZED]);
      expect(await status(replica, kept.access_token)).toBe(200);
      expect(await status(replica, ws.access_token)).toBe(200);
    }
    const stored = await a.pool.query(`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1`, [ws.workspace_id]);
    expect(stored.rows[0].n).toBe(0);

    // A second revoke changes nothing; the list shows when it happened.
    expect(await cli('token', 'revoke', '--workspace', ws.workspace_id, String(doomed.id))).toEqual(revoked);
    const listed: Out[] = await cli('token', 'list', '--workspace', ws.workspace_id);
    expect(listed.map((token) => [token.name, token.revoked_at])).toEqual([[null, null], ['leaked', revoked.revoked_at], ['kept', null]]);
  });

  it('answers a known token from memory: no query, and the same actor, named by a prefix of its hash', async () => {
    const t = await startTestApp({ TOKEN_CACHE_MS: '60000' });
    try {
      const ws = await t.newWorkspace('memory');
      const first = await t.workspaces.identify(ws.access_token);
      expect(first).toEqual({ workspaceId: ws.workspace_id, tokenRef: `token:${createHash('sha256').update(ws.access_token).digest('hex').slice(0, 12)}` });
      const query = vi.spyOn(t.pool, 'query');
      expect(await t.workspaces.identify(ws.access_token)).toEqual(first);
      expect(query).not.toHaveBeenCalled();
      // The spy sees the service's queries: a token it does not know is looked up.
      expect(await t.workspaces.identify('tok_unknown')).toBeNull();
      expect(query).toHaveBeenCalledTimes(1);
      query.mockRestore();
    } finally {
      await t.close();
    }
  });

  it('before the bound, a replica that cached the token may still take it; one that did not, and the revoking process, refuse it at once', async () => {
    const slow = await startTestApp({ TOKEN_CACHE_MS: '60000' });
    const fresh = await startTestApp({ TOKEN_CACHE_MS: '60000' });
    try {
      const ws = await slow.newWorkspace('cached');
      const first = await slow.workspaces.createToken(ws.workspace_id);
      const second = await slow.workspaces.createToken(ws.workspace_id);
      expect(await status(slow, first.access_token)).toBe(200);
      expect(await status(slow, second.access_token)).toBe(200);
      await cli('token', 'revoke', '--workspace', ws.workspace_id, String(first.id));
      // This is why the README states a bound: the cache is per process.
      expect(await status(slow, first.access_token)).toBe(200);
      expect(await status(fresh, first.access_token)).toBe(401);
      // Revoked through this process's own service, its cache forgets the token at once.
      await slow.workspaces.revokeToken(ws.workspace_id, second.id);
      expect(await status(slow, second.access_token)).toBe(401);
    } finally {
      await slow.close();
      await fresh.close();
    }
  });

  it('TOKEN_CACHE_MS=0 checks every request against the database', async () => {
    const uncached = await startTestApp({ TOKEN_CACHE_MS: '0' });
    try {
      const ws = await uncached.newWorkspace('uncached');
      const token = await uncached.workspaces.createToken(ws.workspace_id);
      expect(await status(uncached, token.access_token)).toBe(200);
      await cli('token', 'revoke', '--workspace', ws.workspace_id, String(token.id));
      expect(await status(uncached, token.access_token)).toBe(401);
    } finally {
      await uncached.close();
    }
  });

  it(`holds at most ${LIMITS.accessTokensPerWorkspace} active tokens per workspace; revoking one frees a place`, async () => {
    const ws = await a.newWorkspace('many tokens');
    const made = [];
    for (let i = 1; i < LIMITS.accessTokensPerWorkspace; i++) made.push(await a.workspaces.createToken(ws.workspace_id, { name: `t${i}` }));
    await expect(cli('token', 'create', '--workspace', ws.workspace_id)).rejects.toThrow(/at most 50 active access tokens/);
    await cli('token', 'revoke', '--workspace', ws.workspace_id, String(made[0].id));
    const again: Out = await cli('token', 'create', '--workspace', ws.workspace_id);
    expect(again.name).toBeNull();
    expect(await status(a, again.access_token)).toBe(200);
    const listed: Out[] = await cli('token', 'list', '--workspace', ws.workspace_id);
    expect(listed).toHaveLength(LIMITS.accessTokensPerWorkspace + 1);
    expect(listed.filter((token) => token.revoked_at === null)).toHaveLength(LIMITS.accessTokensPerWorkspace);
  });

  it('refuses a bad name, a token of another workspace, unknown ids and workspaces, and malformed commands', async () => {
    const mine = await a.newWorkspace('mine');
    const theirs = await a.newWorkspace('theirs');
    const theirToken = await a.workspaces.createToken(theirs.workspace_id);
    await expect(cli('token', 'revoke', '--workspace', mine.workspace_id, String(theirToken.id))).rejects.toThrow(/not found/);
    expect(await status(a, theirToken.access_token)).toBe(200);
    await expect(cli('token', 'revoke', '--workspace', mine.workspace_id, '999999999')).rejects.toThrow(/not found/);
    await expect(cli('token', 'create', '--workspace', 'nope')).rejects.toThrow(/not found/);
    await expect(cli('token', 'list', '--workspace', 'nope')).rejects.toThrow(/not found/);
    await expect(cli('client-secret', 'rotate', '--workspace', 'nope')).rejects.toThrow(/not found/);
    await expect(cli('token', 'create', '--workspace', mine.workspace_id, '--name', 'x'.repeat(256))).rejects.toThrow(/1 to 255 characters/);
    await expect(cli('token', 'create', '--workspace', mine.workspace_id, '--name', '  ')).rejects.toThrow(/1 to 255 characters/);
    for (const argv of [
      ['token', 'create'],
      ['token', 'list'],
      ['token', 'revoke', '--workspace', mine.workspace_id],
      ['token', 'revoke', '--workspace', mine.workspace_id, 'abc'],
      ['token', 'revoke', '--workspace', mine.workspace_id, '1', '2'],
      ['token', 'list', '--workspace', mine.workspace_id, '7'],
      ['client-secret', 'rotate'],
      ['token', 'delete', '--workspace', mine.workspace_id],
    ]) {
      await expect(cli(...argv)).rejects.toBeInstanceOf(UsageError);
    }
    expect(await cli('token', 'list', '--workspace', mine.workspace_id)).toHaveLength(1);
  });
});

describe('client-secret rotate', () => {
  const TIMING = { pollMs: 20, retryBaseMs: 150, maxAttempts: 3, timeoutMs: 2000, processorName: 'webhooks-tokens-e2e' };
  let t: TestApp;
  let worker: WebhooksWorker;
  let server: Server | undefined;
  const sign = (raw: string, secret: string) => `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`;

  beforeAll(async () => {
    t = await startTestApp();
    worker = new WebhooksWorker({ pool: t.pool, store: t.app.get(PostgresEventStore), secrets: t.workspaces }, TIMING, { pollMs: 20 });
    await worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    server?.closeAllConnections();
    server?.close();
    await t?.close();
  });

  it('deliveries are signed when sent: a retry queued before the rotation carries the new secret, as does all that follows', async () => {
    const ws = await t.newWorkspace('signing');
    const me = api(t).as(ws);
    const hits: { raw: string; headers: IncomingHttpHeaders }[] = [];
    let rotated: { client_secret: string } | undefined;
    // The first attempt fails, and the secret is rotated (in this process: quickly) before it is answered.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        hits.push({ raw, headers: req.headers });
        if (hits.length === 1) rotated = await t.workspaces.rotateClientSecret(ws.workspace_id);
        res.writeHead(hits.length === 1 ? 500 : 200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    await me.ok.webhooks.subscribe(url, ['contact.user.created']);
    const until = async (n: number) => {
      const deadline = Date.now() + 15_000;
      while (hits.length < n && Date.now() < deadline) await sleep(20);
      expect(hits).toHaveLength(n);
    };

    await me.ok.contacts.create({ email: 'before-rotation@example.com' });
    await until(2);
    const [failed, retried] = hits;
    expect(failed.raw).toContain('before-rotation@example.com');
    expect(failed.headers['x-hub-signature']).toBe(sign(failed.raw, ws.client_secret));
    expect(JSON.parse(retried.raw).id).toBe(JSON.parse(failed.raw).id);
    expect(retried.headers['x-hub-signature']).toBe(sign(retried.raw, rotated!.client_secret));
    expect(retried.headers['x-hub-signature']).not.toBe(sign(retried.raw, ws.client_secret));

    // The CLI: a new secret, printed once, and the next notification is signed with it.
    const fromCli: Out = await cli('client-secret', 'rotate', '--workspace', ws.workspace_id);
    expect(fromCli).toEqual({ workspace_id: ws.workspace_id, client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) });
    expect(fromCli.client_secret).not.toBe(rotated!.client_secret);
    expect(await t.workspaces.clientSecret(ws.workspace_id)).toBe(fromCli.client_secret);
    await me.ok.contacts.create({ email: 'after-rotation@example.com' });
    await until(3);
    expect(hits[2].raw).toContain('after-rotation@example.com');
    expect(hits[2].headers['x-hub-signature']).toBe(sign(hits[2].raw, fromCli.client_secret));
    // The access token is not the client secret: it works as before.
    expect(await status(t, ws.access_token)).toBe(200);
  });
});
