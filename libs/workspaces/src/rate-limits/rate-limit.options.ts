export const RATE_LIMIT_OPTIONS = Symbol('RATE_LIMIT_OPTIONS');

export interface RateLimitOptions {
  /** Requests a minute per workspace, and per client address for requests without a valid token; 0: no limits. */
  perMinute: number;
  /** Unset: this process counts alone. */
  redisUrl?: string;
  /** Prefixes every Redis key (then `rate:<tracker>`). */
  keyPrefix: string;
}

// Intercom counts in 10-second windows, each allowing a sixth of the per-minute limit.
export const WINDOW_MS = 10_000;
export const perWindow = (perMinute: number) => Math.max(1, Math.floor(perMinute / 6));
