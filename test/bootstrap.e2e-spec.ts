import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
});
