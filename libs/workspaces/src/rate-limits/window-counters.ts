import type { Redis } from 'ioredis';

/** Hits in the tracker's current window, and how long until that window ends. */
export interface WindowCount {
  hits: number;
  msLeft: number;
}

/**
 * Fixed windows that start at a tracker's first hit, the same in memory and in Redis, so that one process alone
 * and a fleet sharing Redis enforce the same rule. A hit over the limit still counts: a client that keeps sending
 * while refused gains nothing, and the window still ends on time.
 */
export interface WindowCounter {
  hit(key: string, windowMs: number): Promise<WindowCount>;
}

// Windows of trackers seen in the last window, at most: about 150 bytes each, so no flood of addresses keeps more
// than some 15 MB. Past it the oldest window is dropped early, which only lets that tracker start afresh.
const MAX_WINDOWS = 100_000;

/** One process's own count (no REDIS_URL, or Redis unreachable). */
export class MemoryWindowCounter implements WindowCounter {
  private readonly windows = new Map<string, WindowCount & { endsAt: number }>();

  constructor(private readonly maxWindows = MAX_WINDOWS) {}

  async hit(key: string, windowMs: number, now = Date.now()): Promise<WindowCount> {
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.delete(key);
      window = { hits: 0, msLeft: windowMs, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.hits++;
    return { hits: window.hits, msLeft: window.endsAt - now };
  }

  get size(): number {
    return this.windows.size;
  }

  // Windows are inserted as they start and all last as long, so the ended ones are at the front of the map.
  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt > now && this.windows.size < this.maxWindows) return;
      this.windows.delete(key);
    }
  }
}

// One round trip, atomic: the count and the window's expiry can never part (a crash between an INCR and a PEXPIRE
// would leave a key that never expires, and a tracker refused for ever).
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ms = redis.call('PTTL', KEYS[1])
if ms < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ms = tonumber(ARGV[1])
end
return {hits, ms}`;

type ScriptedRedis = Redis & { rateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

/** The budget every replica shares. */
export class RedisWindowCounter implements WindowCounter {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis) {
    redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [hits, msLeft] = await this.redis.rateLimitHit(key, windowMs);
    return { hits, msLeft };
  }
}
