import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UsageError, runCli } from '../apps/contacts-api/src/cli-commands.js';
import { api } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('npm run cli', () => {
  let t: TestApp;
  const env = () => ({ DATABASE_URL: inject('databaseUrl') });
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('workspace create prints the id, a working access token and the client secret; only a hash is stored', async () => {
    const out = (await runCli(['workspace', 'create', '--name', 'acme'], env())) as Record<string, any>;
    expect(out).toMatchObject({ workspace_id: expect.any(String), name: 'acme', access_token: expect.any(String), client_secret: expect.any(String) });
    expect(out.admin).toMatchObject({ id: expect.any(Number), workspace_id: out.workspace_id });
    const res = await api(t).as(out.access_token).contacts.get('650cbc286d0a728750658b15');
    expect(res.status).toBe(404);
    const stored = await t.pool.query('SELECT token_hash FROM access_tokens WHERE workspace_id = $1', [out.workspace_id]);
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].token_hash).not.toContain(out.access_token);
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('admin create adds an admin that can own contacts', async () => {
    const ws = (await runCli(['workspace', 'create', '--name', 'owners'], env())) as Record<string, any>;
    const admin = (await runCli(['admin', 'create', '--workspace', ws.workspace_id, '--name', 'Ada', '--email', 'ada@example.com'], env())) as Record<string, any>;
    expect(admin).toMatchObject({ name: 'Ada', email: 'ada@example.com', workspace_id: ws.workspace_id });
    const res = await api(t).as(ws.access_token).contacts.create({ email: 'owned@example.com', owner_id: admin.id });
    expect(res.status).toBe(200);
    expect(res.body.owner_id).toBe(admin.id);
  });

  it('refuses unknown commands, missing options and unknown workspaces', async () => {
    await expect(runCli(['workspace', 'delete'], env())).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['workspace', 'create'], env())).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['processors', 'retry'], env())).rejects.toThrow(/ids of parked events .* or --all/);
    await expect(runCli(['processors', 'retry', 'abc'], env())).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['processors', 'parked', '7'], env())).rejects.toBeInstanceOf(UsageError);
    await expect(runCli(['admin', 'create', '--workspace', 'nope', '--name', 'x', '--email', 'x@example.com'], env())).rejects.toThrow(/not found/);
  });
});
