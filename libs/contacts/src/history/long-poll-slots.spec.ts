import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_BOUNDS } from '../request-bounds.js';
import { LongPollSlots, LongPollsExhaustedError, TooManyLongPollsError } from './long-poll-slots.js';

describe('LongPollSlots', () => {
  const slots = () => new LongPollSlots({ ...DEFAULT_REQUEST_BOUNDS, longPollsPerWorkspace: 2, longPollsPerProcess: 3 });

  it('refuses a workspace over its cap with 429 and Retry-After, and takes it again once a slot is given back', () => {
    const given = slots();
    const first = given.acquire('a');
    given.acquire('a');
    expect(() => given.acquire('a')).toThrow(TooManyLongPollsError);
    expect(() => given.acquire('a')).toThrow(expect.objectContaining({ status: 429, code: 'rate_limit_exceeded', headers: { 'Retry-After': '1' } }));
    first();
    expect(() => given.acquire('a')).not.toThrow();
  });

  it('refuses any workspace over the process cap with 503, while another is under its own', () => {
    const given = slots();
    given.acquire('a');
    given.acquire('a');
    given.acquire('b');
    expect(() => given.acquire('c')).toThrow(LongPollsExhaustedError);
    expect(() => given.acquire('c')).toThrow(expect.objectContaining({ status: 503, code: 'service_unavailable', headers: { 'Retry-After': '1' } }));
  });

  it('counts a slot given back twice once', () => {
    const given = slots();
    const release = given.acquire('a');
    given.acquire('a');
    release();
    release();
    expect(given.waiting).toBe(1);
    given.acquire('a');
    expect(() => given.acquire('a')).toThrow(TooManyLongPollsError);
  });
});
