import { describe, expect, it } from 'vitest';
import { nextStep, retryAfterMs } from './delivery-policy.js';

const policy = { retryBaseMs: 60_000, maxAttempts: 5, maxAgeMs: 2 * 3600_000 };
const answered = (statusCode: number, extra = {}) => ({ statusCode, error: null, ...extra });
const unreachable = { statusCode: null, error: 'timed out after 5000 ms' };

describe('nextStep', () => {
  it.each([200, 201, 204, 299])('counts %i as delivered', (status) => {
    expect(nextStep(answered(status), 1, 0, policy)).toEqual({ kind: 'delivered' });
  });

  it('takes 410 as the receiver leaving, on any attempt', () => {
    expect(nextStep(answered(410), 1, 0, policy)).toEqual({ kind: 'gone' });
    expect(nextStep(answered(410), 5, 0, policy)).toEqual({ kind: 'gone' });
  });

  it.each([[500], [503], [400], [404], [429], [301]])('retries %i with a doubling delay', (status) => {
    expect(nextStep(answered(status), 1, 0, policy)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(nextStep(answered(status), 2, 0, policy)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(nextStep(answered(status), 4, 0, policy)).toEqual({ kind: 'retry', delayMs: 480_000 });
  });

  it('retries a timeout or a refused connection the same way', () => {
    expect(nextStep(unreachable, 1, 0, policy)).toEqual({ kind: 'retry', delayMs: 60_000 });
  });

  it('gives up after the last attempt', () => {
    expect(nextStep(answered(500), 5, 0, policy)).toEqual({ kind: 'failed' });
    expect(nextStep(unreachable, 5, 0, policy)).toEqual({ kind: 'failed' });
  });

  it("waits out a 429's Retry-After when it is longer than the back-off", () => {
    expect(nextStep(answered(429, { retryAfterMs: 600_000 }), 1, 0, policy)).toEqual({ kind: 'retry', delayMs: 600_000 });
    expect(nextStep(answered(429, { retryAfterMs: 1000 }), 1, 0, policy)).toEqual({ kind: 'retry', delayMs: 60_000 });
    expect(nextStep(answered(500, { retryAfterMs: 600_000 }), 1, 0, policy)).toEqual({ kind: 'retry', delayMs: 60_000 });
  });

  it('drops a notification that would go out more than two hours late', () => {
    expect(nextStep(answered(429, { retryAfterMs: 3 * 3600_000 }), 1, 0, policy)).toEqual({ kind: 'dropped' });
    expect(nextStep(answered(500), 2, 2 * 3600_000 - 60_000, policy)).toEqual({ kind: 'dropped' });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and ignores anything else', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 1)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(60_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
