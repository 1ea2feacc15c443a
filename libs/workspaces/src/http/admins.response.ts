import type { Admin } from '../workspaces.service.js';

/** Intercom's picture for an admin without one of their own. */
export const DEFAULT_AVATAR = 'https://static.intercomassets.com/assets/default-avatars/admins/128.png';

/**
 * Intercom's admin object: the 2.11 schema's required keys in its order (the examples leave out the
 * nullable job_title). This service has no away mode, inbox seats or teams: they show their defaults.
 */
export function renderAdmin(admin: Admin, withAvatar = false) {
  return {
    type: 'admin',
    id: String(admin.id),
    name: admin.name,
    email: admin.email,
    job_title: admin.job_title,
    away_mode_enabled: false,
    away_mode_reassign: false,
    has_inbox_seat: true,
    team_ids: [] as number[],
    ...(withAvatar ? { avatar: { image_url: DEFAULT_AVATAR } } : {}),
  };
}

/** GET /me, key for key as the 2.11 example: the admin with the workspace ("app") it acts in. */
export function renderMe(admin: Admin, workspace: { id: string; name: string; created_at: number }) {
  return {
    type: 'admin',
    id: String(admin.id),
    email: admin.email,
    name: admin.name,
    // Nothing here verifies admin emails; Intercom warns sign-in flows to refuse unverified ones.
    email_verified: false,
    app: {
      type: 'app',
      id_code: workspace.id,
      name: workspace.name,
      created_at: workspace.created_at,
      secure: false,
      identity_verification: false,
      timezone: 'UTC',
      region: 'US',
    },
    avatar: { type: 'avatar', image_url: DEFAULT_AVATAR },
    has_inbox_seat: true,
  };
}
