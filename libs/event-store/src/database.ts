import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';

// Positions and versions are bigint in SQL but stay far below 2^53 here; numbers keep the code plain.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);

const MIGRATION_LOCK_KEY = 7_164_251_001;

export interface DatabaseOptions {
  url: string;
  migrations: (new () => unknown)[];
  poolSize?: number;
  applicationName?: string;
  /** The session's statement_timeout: bounds every statement a request runs. Default 5000. */
  statementTimeoutMs?: number;
  /** Waiting for a pooled connection (a free one, or a new one) fails after this long. Default 2000. */
  connectTimeoutMs?: number;
  /** The session's work_mem, in MB: what each sort or bitmap of a statement may hold in memory. PostgreSQL's when unset. */
  workMemMb?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;

/** The connection pool every statement runs on: the event store talks to it directly for one-round-trip statements. */
export function createPool(options: Omit<DatabaseOptions, 'migrations'>): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'contacts',
    // Without it a full pool queues callers forever; with it they fail fast and answer 503.
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Finds a dead peer on an idle pooled connection instead of waiting for the next query to hang on it.
    keepAlive: true,
    // A forgotten open transaction would hold back every gap-safe log reader. The statement timeout is the
    // request's bound; the log processors raise it inside their batch transactions (SET LOCAL).
    options: `-c idle_in_transaction_session_timeout=15000 -c statement_timeout=${options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS}${options.workMemMb ? ` -c work_mem=${options.workMemMb}MB` : ''}`,
  });
  // An idle session that dies (the server restarts, the network drops) is emitted here after pg-pool has
  // discarded it; unheard, that 'error' would be an uncaught exception and take the whole process down.
  pool.on('error', (error) => logger.warn(`idle database connection lost, dropped from the pool: ${error.message}`));
  return pool;
}

const logger = new Logger('DatabasePool');

/**
 * Runs pending migrations (TypeORM's runner, its `schema_migrations` table) on two connections of its
 * own that close afterwards; an advisory lock lets several replicas start at once.
 */
export async function migrate(options: DatabaseOptions): Promise<void> {
  const dataSource = await new DataSource({
    type: 'postgres',
    url: options.url,
    migrations: options.migrations as never,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: { max: 2, application_name: `${options.applicationName ?? 'contacts'}-migrations` },
  }).initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}
