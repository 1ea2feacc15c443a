import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { RATE_LIMIT_OPTIONS, type RateLimitOptions } from './rate-limit.options.js';
import { MemoryWindowCounter, RedisWindowCounter, type WindowCount } from './window-counters.js';

const storeErrors = new Counter({
  name: 'rate_limit_store_errors_total',
  help: 'Rate limit counts that Redis did not answer, counted by this process alone instead',
});

// A rate limiter must never be what makes a request slow or fail: past this, the count is taken in memory.
const REDIS_TIMEOUT_MS = 500;
const CONNECT_WAIT_MS = 2_000;
const WARN_EVERY_MS = 10_000;

/**
 * The throttler's storage: a fixed-window count per tracker, in Redis when REDIS_URL is set (one budget for every
 * replica), else in this process. Redis failing fails open to this process's own count, with a warning and
 * rate_limit_store_errors_total, never an error response; ioredis reconnects by itself and the shared count resumes.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly memory = new MemoryWindowCounter();
  private readonly redis?: Redis;
  private readonly shared?: RedisWindowCounter;
  private lastWarning = 0;

  constructor(@Inject(RATE_LIMIT_OPTIONS) options: RateLimitOptions) {
    if (!options.redisUrl || !options.perMinute) return;
    this.redis = new Redis(options.redisUrl, {
      keyPrefix: `${options.keyPrefix}rate:`,
      // Refuse at once while disconnected rather than queue: the memory count answers meanwhile.
      enableOfflineQueue: false,
      commandTimeout: REDIS_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
    });
    this.redis.on('error', (error) => this.warn(`Redis: ${error.message}`));
    this.shared = new RedisWindowCounter(this.redis);
  }

  /** Waits briefly for Redis at start, so that the first requests already share the budget. */
  async onModuleInit(): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), CONNECT_WAIT_MS);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ready) this.logger.warn('Redis does not answer yet: each process counts its own rate limits until it does');
  }

  async increment(key: string, ttl: number, limit: number) {
    const { hits, msLeft } = await this.hit(key, ttl);
    const seconds = Math.max(1, Math.ceil(msLeft / 1000));
    const isBlocked = hits > limit;
    return { totalHits: hits, timeToExpire: seconds, isBlocked, timeToBlockExpire: isBlocked ? seconds : 0 };
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  private async hit(key: string, windowMs: number): Promise<WindowCount> {
    if (!this.shared) return this.memory.hit(key, windowMs);
    try {
      return await this.shared.hit(key, windowMs);
    } catch (error) {
      storeErrors.inc();
      this.warn(`Redis did not count a request (${(error as Error).message}); counting in this process`);
      return this.memory.hit(key, windowMs);
    }
  }

  // While Redis is down every request would warn: once per interval says the same.
  private warn(message: string): void {
    if (Date.now() - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = Date.now();
    this.logger.warn(message);
  }
}
