import { parseMasterKey } from '@app/event-store';
/** Configuration comes from the environment only, and is checked before anything starts. */
export interface AppConfig {
  port: number;
  /** The worker's own port for /health and /metrics (it serves nothing else). */
  workerPort: number;
  host: string;
  /** Unset: an embedded PostgreSQL keeps its data under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPostgresPort: number;
  dbPoolSize: number;
  /** Every statement a request runs is cancelled after this long (the session's statement_timeout). */
  dbStatementTimeoutMs: number;
  /** The shorter bound of list and search queries, the ones a request can make expensive. */
  dbSearchTimeoutMs: number;
  /** Waiting for a pooled connection (a free one, or a new one) fails after this long: a full pool answers 503. */
  dbConnectTimeoutMs: number;
  /** Fastify's socket inactivity timeout; above the longest long-poll (30 s). */
  httpConnectionTimeoutMs: number;
  /** Time a client has to send its whole request. */
  httpRequestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  httpKeepAliveTimeoutMs: number;
  /** Concurrent long-polls (GET /changes with wait > 0) per workspace, and per process. */
  longPollsPerWorkspace: number;
  longPollsPerProcess: number;
  /** Companies and contacts a DELETE /tags/{id} untags before it answers (companies first); the worker untags the rest. */
  tagDetachInRequest: number;
  natsUrl?: string;
  /** The JetStream stream the relay publishes to; created when missing. */
  natsStream: string;
  /** Subjects are `<prefix>.<workspace_id>.<owner_id>.<event_type>`; the stream captures `<prefix>.>`. */
  natsSubjectPrefix: string;
  bootstrapToken?: string;
  bootstrapClientSecret?: string;
  /** A process trusts a token it found valid this long without a query: the bound on how late a revocation takes effect. */
  tokenCacheMs: number;
  workers: 'inline' | 'off';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Requests per minute per workspace (and per client address without a valid token), counted in 10 s windows; 0: no limits. */
  rateLimitPerMinute: number;
  /** Unset: each process counts alone, in memory. Set: every replica shares one budget through this Redis. */
  redisUrl?: string;
  /** The first part of every Redis key, so that deployments (or test runs) sharing a Redis do not share budgets. */
  redisKeyPrefix: string;
  /** The event store refuses a larger event (data and metadata as JSON); the relay's envelope must stay under NATS's max_payload. */
  maxEventBytes: number;
  /** The master key that wraps the data keys (encryption.ts): ENCRYPTION_KEY, or the first line of ENCRYPTION_KEY_FILE. */
  encryptionKey?: string;
  encryptionKeyFile?: string;
  /** Older master keys, still accepted to unwrap while `keys rotate` re-wraps (comma-separated). */
  encryptionPreviousKeys: string[];
  /** Bench only: new events are stored unencrypted, for the benchmark's comparison run. Never in production. */
  encryptionBenchDisable: boolean;
}

/** The configuration once the database is settled: its URL, and whether this process serves an embedded one. */
export type RuntimeConfig = AppConfig & { databaseUrl: string; embeddedDatabase?: boolean };

export class ConfigError extends Error {}

// JetStream names and subject tokens must not contain '.', '*', '>' or whitespace.
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    return value;
  };
  const url = (name: string, protocols: string[]) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    try {
      if (!protocols.includes(new URL(raw).protocol)) problems.push(`${name} must use ${protocols.join(' or ')}`);
    } catch {
      problems.push(`${name} is not a URL`);
    }
    return raw;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!allowed.includes(raw as T)) problems.push(`${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
    return raw as T;
  };
  const pattern = (name: string, valid: RegExp, fallback: string, rule: string) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!valid.test(raw)) problems.push(`${name} must be ${rule}, got '${raw}'`);
    return raw;
  };
  const config: AppConfig = {
    port: int('PORT', 3000, 0, 65535),
    workerPort: int('WORKER_PORT', 3001, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: env.DATA_DIR || '.data',
    embeddedPostgresPort: int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
    dbPoolSize: int('DB_POOL_SIZE', 10, 1, 200),
    dbStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 5000, 100, 600_000),
    dbSearchTimeoutMs: int('DB_SEARCH_TIMEOUT_MS', 3000, 100, 600_000),
    dbConnectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS', 2000, 100, 60_000),
    httpConnectionTimeoutMs: int('HTTP_CONNECTION_TIMEOUT_MS', 60_000, 35_000, 3_600_000),
    httpRequestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000, 3_600_000),
    httpKeepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1000, 3_600_000),
    longPollsPerWorkspace: int('LONG_POLL_MAX_PER_WORKSPACE', 10, 1, 10_000),
    longPollsPerProcess: int('LONG_POLL_MAX_PER_PROCESS', 100, 1, 100_000),
    tagDetachInRequest: int('TAG_DETACH_IN_REQUEST', 1000, 0, 100_000),
    natsUrl: url('NATS_URL', ['nats:', 'tls:', 'ws:', 'wss:']),
    natsStream: pattern('NATS_STREAM', STREAM_NAME, 'CONTACTS', 'letters, digits, - and _ (at most 64)'),
    natsSubjectPrefix: pattern('NATS_SUBJECT_PREFIX', SUBJECT_PREFIX, 'contacts', 'dot-separated tokens of letters, digits, - and _'),
    bootstrapToken: env.BOOTSTRAP_TOKEN || undefined,
    bootstrapClientSecret: env.BOOTSTRAP_CLIENT_SECRET || undefined,
    tokenCacheMs: int('TOKEN_CACHE_MS', 30_000, 0, 300_000),
    workers: oneOf('WORKERS', ['inline', 'off'] as const, 'inline'),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 10_000, 0, 1_000_000_000),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'contacts:',
    // At most 896 KiB: the envelope adds well under 1 KiB, and NATS refuses messages over 1 MiB by default.
    maxEventBytes: int('MAX_EVENT_BYTES', 256 * 1024, 4096, 896 * 1024),
    encryptionKey: env.ENCRYPTION_KEY || undefined,
    encryptionKeyFile: env.ENCRYPTION_KEY_FILE || undefined,
    encryptionPreviousKeys: (env.ENCRYPTION_PREVIOUS_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean),
    encryptionBenchDisable: oneOf('ENCRYPTION_BENCH_DISABLE', ['true', 'false'] as const, 'false') === 'true',
  };
  if (config.encryptionKey && config.encryptionKeyFile) problems.push('set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, not both');
  for (const [name, value] of [['ENCRYPTION_KEY', config.encryptionKey], ...config.encryptionPreviousKeys.map((key) => ['ENCRYPTION_PREVIOUS_KEYS', key])]) {
    if (value === undefined) continue;
    try {
      parseMasterKey(value, name!);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  // At most 256: the longest token the API reads from an Authorization header; no colon or space, so HTTP Basic can carry it.
  if (config.bootstrapToken !== undefined && !/^[^\s:]{16,256}$/.test(config.bootstrapToken)) {
    problems.push('BOOTSTRAP_TOKEN must be 16 to 256 characters, without spaces or colons');
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return config;
}
