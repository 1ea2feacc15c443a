import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { UsageError, runCli } from '../apps/contacts-api/src/cli-commands.js';
import { api } from './support/api.js';
import { startTestApp } from './support/test-app.js';

describe('BOOTSTRAP_TOKEN', () => {
  it('makes start ensure a workspace with that token and client secret, once', async () => {
    const token = `boot_${randomBytes(12).toString('hex')}`;
    const env = { BOOTSTRAP_TOKEN: token, BOOTSTRAP_CLIENT_SECRET: 'shh-secret' };
    const first = await startTestApp(env);
    const workspaceId = await first.workspaces.authenticate(token);
    expect(workspaceId).toEqual(expect.any(String));
    expect(await first.workspaces.clientSecret(workspaceId!)).toBe('shh-secret');
    expect(await first.workspaces.listAdmins(workspaceId!)).toHaveLength(1);
    await first.close();

    const second = await startTestApp({ ...env, BOOTSTRAP_CLIENT_SECRET: 'rotated' });
    expect(await second.workspaces.authenticate(token)).toBe(workspaceId);
    expect(await second.workspaces.clientSecret(workspaceId!)).toBe('rotated');
    const res = await api(second).as(token).contacts.create({ role: 'lead' });
    expect(res.status).toBe(200);
    expect(res.body.workspace_id).toBe(workspaceId);
    await second.close();
  });

  it('may be revoked: later starts with the same variables neither bring it back nor fail, and leave the secret alone', async () => {
    const token = `boot_${randomBytes(12).toString('hex')}`;
    const env = { BOOTSTRAP_TOKEN: token, BOOTSTRAP_CLIENT_SECRET: 'boot-secret' };
    const cliEnv = { DATABASE_URL: inject('databaseUrl'), ...env };
    const first = await startTestApp(env);
    const workspaceId = (await first.workspaces.authenticate(token))!;
    const [listed] = (await runCli(['token', 'list', '--workspace', workspaceId], cliEnv)) as Record<string, any>[];
    expect(listed).toMatchObject({ name: 'BOOTSTRAP_TOKEN', last4: token.slice(-4), revoked_at: null });
    // While BOOTSTRAP_CLIENT_SECRET manages the secret, a rotation would be undone at the next start: refused.
    await expect(runCli(['client-secret', 'rotate', '--workspace', workspaceId], cliEnv)).rejects.toThrow(UsageError);
    await expect(runCli(['client-secret', 'rotate', '--workspace', workspaceId], cliEnv)).rejects.toThrow(/BOOTSTRAP_CLIENT_SECRET/);
    const other = (await runCli(['token', 'create', '--workspace', workspaceId, '--name', 'successor'], cliEnv)) as Record<string, any>;
    await runCli(['token', 'revoke', '--workspace', workspaceId, String(listed.id)], cliEnv);
    await first.close();

    const again = await startTestApp({ ...env, BOOTSTRAP_CLIENT_SECRET: 'would-overwrite' });
    expect(await again.workspaces.authenticate(token)).toBeNull();
    expect((await api(again).as(token).contacts.create({ role: 'lead' })).status).toBe(401);
    expect((await api(again).as(other.access_token).contacts.create({ role: 'lead' })).status).toBe(200);
    expect(await again.workspaces.clientSecret(workspaceId)).toBe('boot-secret');
    const { rows } = await again.pool.query(`SELECT count(*)::int AS n FROM access_tokens WHERE token_hash = encode(sha256($1::bytea), 'hex')`, [token]);
    expect(rows[0].n).toBe(1);
    // No longer managed by the variables: the CLI rotates it.
    const rotated = (await runCli(['client-secret', 'rotate', '--workspace', workspaceId], cliEnv)) as Record<string, any>;
    expect(await again.workspaces.clientSecret(workspaceId)).toBe(rotated.client_secret);
    await again.close();
  });
});
