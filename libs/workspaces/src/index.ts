export * from './workspaces.service.js';
export * from './workspaces.module.js';
export * from './http/access-token.guard.js';
export { Workspaces1764200000100 } from './migrations/1764200000100-workspaces.js';
export { SubscriptionTypes1764200000150 } from './migrations/1764200000150-subscription-types.js';
export { AdminsWorkspaceIndex1764200000760 } from './migrations/1764200000760-admins-workspace-index.js';
export { RateLimitGuard, RateLimitExceededError } from './rate-limits/rate-limit.guard.js';
export { RateLimitsModule } from './rate-limits/rate-limits.module.js';
export { RateLimitStorage } from './rate-limits/rate-limit.storage.js';
