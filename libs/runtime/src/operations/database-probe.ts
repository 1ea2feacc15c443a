import { withTimeout } from '@app/event-store';
import { IntercomError } from '@app/intercom';
import type pg from 'pg';

/** Intercom's 503: the API's error filter and the worker's server both answer it in the error envelope. */
export class DatabaseUnavailableError extends IntercomError {
  constructor() {
    super('service_unavailable', 503, 'The database is not answering');
  }
}

export const DATABASE_PROBE_TIMEOUT_MS = 2000;

/**
 * Resolves while the database answers within the timeout; throws DatabaseUnavailableError otherwise.
 * A pool whose connections hang would otherwise hold the health check (and its caller's probe) forever.
 */
export async function checkDatabase(pool: Pick<pg.Pool, 'query'>, timeoutMs = DATABASE_PROBE_TIMEOUT_MS): Promise<void> {
  const query = pool.query('SELECT 1');
  // A query that loses the race may still fail later; nobody awaits it then, so keep it from being unhandled.
  query.catch(() => undefined);
  try {
    await withTimeout(query, timeoutMs);
  } catch {
    throw new DatabaseUnavailableError();
  }
}
