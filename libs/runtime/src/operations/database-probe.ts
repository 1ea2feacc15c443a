import type pg from 'pg';

/** Carries Intercom's code, so that error filters and the worker's server answer 503 with it. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'service_unavailable';
  constructor() {
    super('The database is not answering');
  }
}

export const DATABASE_PROBE_TIMEOUT_MS = 2000;

/**
 * Resolves while the database answers within the timeout; throws DatabaseUnavailableError otherwise.
 * A pool whose connections hang would otherwise hold the health check (and its caller's probe) forever.
 */
export async function checkDatabase(pool: Pick<pg.Pool, 'query'>, timeoutMs = DATABASE_PROBE_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)));
  const query = pool.query('SELECT 1');
  // A query that loses the race may still fail later; nobody awaits it then, so keep it from being unhandled.
  query.catch(() => undefined);
  try {
    await Promise.race([query, timeout]);
  } catch {
    throw new DatabaseUnavailableError();
  } finally {
    clearTimeout(timer);
  }
}
