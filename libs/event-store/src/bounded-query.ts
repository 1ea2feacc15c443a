import type pg from 'pg';

/**
 * Runs one read-only statement on a pooled client of its own, in a transaction whose statement_timeout is
 * `timeoutMs`: a bound shorter than the session's for the statements a request can make expensive (search).
 * SET LOCAL ends with the transaction, so the client goes back to the pool with the session's own bound.
 */
export async function queryWithin<R extends pg.QueryResultRow = any>(pool: pg.Pool, timeoutMs: number, statement: pg.QueryConfig): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // One round trip: the simple protocol takes both statements at once.
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    try {
      const result = await client.query<R>(statement);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
