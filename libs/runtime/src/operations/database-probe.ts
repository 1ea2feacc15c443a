import { withTimeout } from '@app/event-store';
import type pg from 'pg';
import { DatabaseUnavailableError } from './database-unavailable.js';

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
