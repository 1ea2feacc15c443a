import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({ port: 3000, workerPort: 3001, databaseUrl: undefined, natsUrl: undefined, workers: 'inline', logLevel: 'info', dataDir: '.data', maxEventBytes: 262_144 });
  });

  it('bounds time and long-polls by default, above the longest long-poll for idle sockets', () => {
    expect(loadConfig({})).toMatchObject({
      dbStatementTimeoutMs: 5000,
      dbSearchTimeoutMs: 3000,
      dbConnectTimeoutMs: 2000,
      httpConnectionTimeoutMs: 60_000,
      httpRequestTimeoutMs: 30_000,
      httpKeepAliveTimeoutMs: 72_000,
      longPollsPerWorkspace: 10,
      longPollsPerProcess: 100,
    });
    expect(() => loadConfig({ HTTP_CONNECTION_TIMEOUT_MS: '30000' })).toThrow(/HTTP_CONNECTION_TIMEOUT_MS must be an integer from 35000/);
    expect(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
  });

  it('reads the environment', () => {
    const config = loadConfig({ PORT: '8080', WORKER_PORT: '0', DATABASE_URL: 'postgres://u@db:5432/x', NATS_URL: 'nats://nats:4222', WORKERS: 'off', LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ port: 8080, workerPort: 0, databaseUrl: 'postgres://u@db:5432/x', natsUrl: 'nats://nats:4222', workers: 'off', logLevel: 'debug' });
  });

  it('rate limits: 10,000 a minute by default, 0 turns them off, REDIS_URL must be redis: or rediss:', () => {
    expect(loadConfig({})).toMatchObject({ rateLimitPerMinute: 10_000, redisUrl: undefined, redisKeyPrefix: 'contacts:' });
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0', REDIS_URL: 'redis://cache:6379', REDIS_KEY_PREFIX: 'eu:' })).toMatchObject({ rateLimitPerMinute: 0, redisUrl: 'redis://cache:6379', redisKeyPrefix: 'eu:' });
    expect(() => loadConfig({ RATE_LIMIT_PER_MINUTE: '-1', REDIS_URL: 'http://cache' })).toThrow(/RATE_LIMIT_PER_MINUTE[\s\S]*REDIS_URL/);
  });

  it('reads TAG_DETACH_IN_REQUEST from 0 to 100,000, 1,000 by default', () => {
    expect(loadConfig({}).tagDetachInRequest).toBe(1000);
    expect(loadConfig({ TAG_DETACH_IN_REQUEST: '0' }).tagDetachInRequest).toBe(0);
    expect(() => loadConfig({ TAG_DETACH_IN_REQUEST: '100001' })).toThrow(/TAG_DETACH_IN_REQUEST must be an integer from 0 to 100000/);
  });

  it('reads MAX_EVENT_BYTES within 4 KiB to 896 KiB', () => {
    expect(loadConfig({ MAX_EVENT_BYTES: '4096' }).maxEventBytes).toBe(4096);
    expect(() => loadConfig({ MAX_EVENT_BYTES: '4095' })).toThrow(/MAX_EVENT_BYTES must be an integer from 4096 to 917504/);
    expect(() => loadConfig({ MAX_EVENT_BYTES: String(1024 * 1024) })).toThrow(/MAX_EVENT_BYTES/);
  });

  it('reads TOKEN_CACHE_MS, the revocation bound, within 0 (no cache) to 5 minutes; 30 s by default', () => {
    expect(loadConfig({}).tokenCacheMs).toBe(30_000);
    expect(loadConfig({ TOKEN_CACHE_MS: '0' }).tokenCacheMs).toBe(0);
    expect(loadConfig({ TOKEN_CACHE_MS: '300000' }).tokenCacheMs).toBe(300_000);
    expect(() => loadConfig({ TOKEN_CACHE_MS: '300001' })).toThrow(/TOKEN_CACHE_MS must be an integer from 0 to 300000/);
    expect(() => loadConfig({ TOKEN_CACHE_MS: '-1' })).toThrow(/TOKEN_CACHE_MS/);
  });

  it('refuses bad values, naming every one', () => {
    const attempt = () => loadConfig({ PORT: 'http', WORKER_PORT: '65536', DATABASE_URL: 'mysql://x', WORKERS: 'sometimes', LOG_LEVEL: 'loud', BOOTSTRAP_TOKEN: 'short' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT[\s\S]*WORKER_PORT[\s\S]*DATABASE_URL[\s\S]*WORKERS[\s\S]*LOG_LEVEL[\s\S]*BOOTSTRAP_TOKEN/);
  });
});
