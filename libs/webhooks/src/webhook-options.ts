export interface WebhookOptions {
  /** Keys the log processor's checkpoint and lease. */
  processorName: string;
  /** How often the delivery loop looks for due deliveries when nothing woke it. */
  pollMs: number;
  /** Intercom gives a receiver 5 s to answer. */
  timeoutMs: number;
  /** The first retry waits this long, each next one twice as long (Intercom: 1 min). */
  retryBaseMs: number;
  /** Attempts in all, the first included; then the delivery is failed and the next one goes out. */
  maxAttempts: number;
  /** A notification that would go out later than this after it was raised is dropped (Intercom: 2 h). */
  maxAgeMs: number;
  /** Requests in flight at once, across subscriptions; one subscription has at most one. */
  concurrency: number;
}

export const WEBHOOK_OPTIONS = Symbol('WEBHOOK_OPTIONS');

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = Object.freeze({
  processorName: 'webhooks',
  pollMs: 250,
  timeoutMs: 5000,
  retryBaseMs: 60_000,
  maxAttempts: 5,
  maxAgeMs: 2 * 60 * 60 * 1000,
  concurrency: 16,
});

const ENV: Record<string, [keyof WebhookOptions, number, number]> = {
  WEBHOOK_POLL_MS: ['pollMs', 10, 60_000],
  WEBHOOK_TIMEOUT_MS: ['timeoutMs', 100, 60_000],
  WEBHOOK_RETRY_BASE_MS: ['retryBaseMs', 10, 24 * 3600_000],
  WEBHOOK_MAX_ATTEMPTS: ['maxAttempts', 1, 50],
  WEBHOOK_MAX_AGE_MS: ['maxAgeMs', 1000, 7 * 24 * 3600_000],
  WEBHOOK_CONCURRENCY: ['concurrency', 1, 1000],
};

/** The WEBHOOK_* environment variables over the defaults; a bad value stops the start. */
export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv): WebhookOptions {
  const options: WebhookOptions = { ...DEFAULT_WEBHOOK_OPTIONS };
  const problems: string[] = [];
  for (const [name, [key, min, max]] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    else (options[key] as number) = value;
  }
  if (problems.length) throw new Error(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return options;
}
