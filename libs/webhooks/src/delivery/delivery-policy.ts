import type { WebhookOptions } from '../webhook-options.js';

/** What a receiver did with one attempt: its status code, or why there was none. */
export interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  /** From a 429's Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

export type NextStep =
  | { kind: 'delivered' }
  /** 410 Gone: the receiver asks to be unsubscribed. */
  | { kind: 'gone' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'failed' }
  | { kind: 'dropped' };

type Policy = Pick<WebhookOptions, 'retryBaseMs' | 'maxAttempts' | 'maxAgeMs'>;

/**
 * Intercom's rules, with the retry count and pace configurable: 2xx delivered; 410 disables the
 * subscription; anything else (429, other 4xx, 5xx, timeout, network) is retried with exponential
 * back-off until the attempts run out (failed) or the notification would be too old (dropped).
 * `attempt` counts this one; `ageMs` is the time since the notification was raised.
 */
export function nextStep(result: AttemptResult, attempt: number, ageMs: number, policy: Policy): NextStep {
  const status = result.statusCode;
  if (status !== null && status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410) return { kind: 'gone' };
  if (attempt >= policy.maxAttempts) return { kind: 'failed' };
  const delayMs = Math.max(policy.retryBaseMs * 2 ** (attempt - 1), status === 429 ? (result.retryAfterMs ?? 0) : 0);
  if (ageMs + delayMs > policy.maxAgeMs) return { kind: 'dropped' };
  return { kind: 'retry', delayMs };
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
