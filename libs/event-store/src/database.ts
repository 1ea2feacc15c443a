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
}

/** The connection pool every statement runs on: the event store talks to it directly for one-round-trip statements. */
export function createPool(options: Omit<DatabaseOptions, 'migrations'>): pg.Pool {
  return new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'contacts',
    // A forgotten open transaction would hold back every gap-safe log reader.
    options: '-c idle_in_transaction_session_timeout=15000 -c statement_timeout=30000',
  });
}

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
