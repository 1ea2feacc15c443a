import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, CreatedWorkspace } from '@app/workspaces';
import { type Client, type Headers, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ADMIN_KEYS = ['type', 'id', 'name', 'email', 'job_title', 'away_mode_enabled', 'away_mode_reassign', 'has_inbox_seat', 'team_ids'];
const DEFAULT_AVATAR = 'https://static.intercomassets.com/assets/default-avatars/admins/128.png';
const ADMIN_NOT_FOUND = { code: 'admin_not_found', message: 'Admin not found' };

describe('admins', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let other: CreatedWorkspace;
  let second: Admin;
  /** The API as `ws`, and as `other`. */
  let me: Client;
  let them: Client;
  const admin = (a: Admin) => ({
    type: 'admin',
    id: String(a.id),
    name: a.name,
    email: a.email,
    job_title: a.job_title,
    away_mode_enabled: false,
    away_mode_reassign: false,
    has_inbox_seat: true,
    team_ids: [],
  });

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('Admins Inc');
    other = await t.newWorkspace('other');
    me = api(t).as(ws);
    them = api(t).as(other);
    second = await t.workspaces.createAdmin(ws.workspace_id, { name: 'Kaylee Frye', email: 'kaylee@serenity.example', jobTitle: 'Mechanic' });
  });
  afterAll(() => t?.close());

  describe('GET /admins', () => {
    it("lists the workspace's admins, and no one else's, in Intercom's admin shape", async () => {
      const res = await me.admins.list();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ type: 'admin.list', admins: [admin(ws.admin), admin(second)] });
      expect(Object.keys(res.body.admins[0])).toEqual(ADMIN_KEYS);
      expect(res.body.admins[1]).toMatchObject({ name: 'Kaylee Frye', job_title: 'Mechanic' });
      const theirs = await them.ok.admins.list();
      expect(theirs.admins).toEqual([admin(other.admin)]);
    });

    it('adds the avatar with display_avatar=true', async () => {
      const res = await me.ok.admins.list({ display_avatar: true });
      expect(res.admins[0]).toEqual({ ...admin(ws.admin), avatar: { image_url: DEFAULT_AVATAR } });
    });
  });

  describe('GET /admins/{id}', () => {
    it('answers one admin of the workspace', async () => {
      const res = await me.admins.get(second.id);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(admin(second));
      expect(Object.keys(res.body)).toEqual(ADMIN_KEYS);
    });

    it("answers 404 admin_not_found for another workspace's admin, an unknown id and a non-numeric one", async () => {
      for (const id of [String(other.admin.id), '999999999', 'abc', '1e3', '99999999999999999999']) {
        const res = await me.admins.get(id);
        expect(res.status, id).toBe(404);
        expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [ADMIN_NOT_FOUND] });
      }
    });
  });

  describe('GET /me', () => {
    it("answers the token's admin (the workspace's first) with its workspace, key for key as Intercom's example", async () => {
      const res = await me.admins.me();
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['type', 'id', 'email', 'name', 'email_verified', 'app', 'avatar', 'has_inbox_seat']);
      expect(res.body).toEqual({
        type: 'admin',
        id: String(ws.admin.id),
        email: ws.admin.email,
        name: ws.admin.name,
        email_verified: false,
        app: {
          type: 'app',
          id_code: ws.workspace_id,
          name: 'Admins Inc',
          created_at: expect.any(Number),
          secure: false,
          identity_verification: false,
          timezone: 'UTC',
          region: 'US',
        },
        avatar: { type: 'avatar', image_url: DEFAULT_AVATAR },
        has_inbox_seat: true,
      });
      expect(Object.keys(res.body.app)).toEqual(['type', 'id_code', 'name', 'created_at', 'secure', 'identity_verification', 'timezone', 'region']);
      expect(Math.abs(res.body.app.created_at - Date.now() / 1000)).toBeLessThan(120);
      const theirs = await them.ok.admins.me();
      expect(theirs).toMatchObject({ id: String(other.admin.id), app: { id_code: other.workspace_id, name: 'other' } });
    });
  });

  it('answers 401 without a valid token', async () => {
    const wrong: Headers[] = [{}, { Authorization: 'Bearer nope' }];
    for (const path of ['/admins', `/admins/${ws.admin.id}`, '/me']) {
      for (const headers of wrong) {
        const res = await api(t).as(null).get(path, headers);
        expect(res.status, path).toBe(401);
        expect(res.body.errors).toEqual([{ code: 'unauthorized', message: 'Access Token Invalid' }]);
      }
    }
  });
});
