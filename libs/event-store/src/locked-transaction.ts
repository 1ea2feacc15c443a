import type pg from 'pg';
import { currentIdempotencyClaim } from './idempotency/idempotency-context.js';
import { markAppliedInTransaction } from './idempotency/idempotency-keys.js';

/**
 * Runs `work` on one pooled connection inside a transaction: committed when it returns, rolled back when it throws.
 * A request that holds an Idempotency-Key marks it applied inside the transaction, so it commits with the writes.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const claim = currentIdempotencyClaim();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    if (claim) await markAppliedInTransaction(claim, client);
    await client.query('COMMIT');
    if (claim) claim.applied = true;
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * `work` in a transaction that first takes a transaction-scoped advisory lock on `key`, so that a
 * check-then-write ("at most N per workspace") cannot be raced by another replica: the second writer
 * waits, and its statements, run after the lock, see the first one's commit.
 */
export function inLockedTransaction<T>(pool: pg.Pool, key: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    return work(client);
  });
}
