import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CheckpointConflictError, LOG_START, decodeLogCursor, encodeLogCursor, loadCheckpoint, saveCheckpoint } from './index.js';

describe('log cursor', () => {
  it('round-trips a position through an opaque string', () => {
    const position = { transactionId: '18446744073709551615', globalPosition: 9_007_199_254_740_991 };
    const cursor = encodeLogCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeLogCursor(cursor)).toEqual(position);
    expect(decodeLogCursor(encodeLogCursor(LOG_START))).toEqual(LOG_START);
  });

  it('refuses what it did not issue, so bad input never reaches SQL', () => {
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    for (const bad of ['', 'abc', encode('1'), encode('1.2.3'), encode('-1.2'), encode('1.x'), encode('18446744073709551616.1'), encode('1.9007199254740993')]) {
      expect(decodeLogCursor(bad)).toBeUndefined();
    }
  });
});

describe('checkpoints', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 3 });
  });
  afterAll(() => pool.end());

  it('starts at LOG_START and moves only from the position it was read at', async () => {
    const name = `test-${randomUUID()}`;
    expect(await loadCheckpoint(pool, name)).toEqual(LOG_START);
    const first = { transactionId: '1000', globalPosition: 7 };
    await saveCheckpoint(pool, name, first, LOG_START);
    await expect(saveCheckpoint(pool, name, { transactionId: '1001', globalPosition: 8 }, LOG_START)).rejects.toBeInstanceOf(CheckpointConflictError);
    expect(await loadCheckpoint(pool, name)).toEqual(first);
    await saveCheckpoint(pool, name, { transactionId: '1001', globalPosition: 8 }, first);
    await saveCheckpoint(pool, name, LOG_START);
    expect(await loadCheckpoint(pool, name)).toEqual(LOG_START);
  });

  it('lets only one of two racing writers move a checkpoint from the same position', async () => {
    const name = `test-${randomUUID()}`;
    await saveCheckpoint(pool, name, LOG_START);
    const [a, b] = [await pool.connect(), await pool.connect()];
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await saveCheckpoint(a, name, { transactionId: '5', globalPosition: 1 }, LOG_START);
      const loser = saveCheckpoint(b, name, { transactionId: '6', globalPosition: 2 }, LOG_START); // waits for a's row lock
      await a.query('COMMIT');
      await expect(loser).rejects.toBeInstanceOf(CheckpointConflictError);
      await b.query('ROLLBACK');
      expect(await loadCheckpoint(pool, name)).toEqual({ transactionId: '5', globalPosition: 1 });
    } finally {
      a.release();
      b.release();
    }
  });
});
