import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EventTooLargeError, PostgresEventStore, plainJsonCodec } from './index.js';

const LIMIT = 4096;
const metadata = { actor: { type: 'system' as const, id: 'test' }, request_id: null };
// The bytes the store counts besides the payload's text: {"text":""} and the metadata.
const OVERHEAD = Buffer.byteLength(JSON.stringify({ text: '' })) + Buffer.byteLength(JSON.stringify(metadata));

let pool: pg.Pool;
let store: PostgresEventStore;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  store = new PostgresEventStore(pool, plainJsonCodec, LIMIT);
});
afterAll(() => pool.end());

const append = (workspaceId: string, streamId: string, expectedVersion: number, texts: string[]) =>
  store.append({ workspaceId, streamId, streamType: 'test', expectedVersion, metadata, events: texts.map((text) => ({ type: 'Noted', data: { text } })) });

describe('the event size limit', () => {
  it('takes an event of exactly the limit, data and metadata as JSON, and refuses one byte more, writing nothing', async () => {
    const workspaceId = `w-${randomUUID()}`;
    const streamId = randomUUID();
    await append(workspaceId, streamId, 0, ['x'.repeat(LIMIT - OVERHEAD)]);
    // One event too large in a batch: none of the batch is written, the stream stays at its version.
    // Bytes, not characters, count: 'é' is two in UTF-8.
    const accents = Math.floor((LIMIT - OVERHEAD) / 2) + 1;
    const error = await append(workspaceId, streamId, 1, ['small', 'é'.repeat(accents)]).catch((e) => e);
    expect(error).toBeInstanceOf(EventTooLargeError);
    expect(error).toMatchObject({ streamId, eventType: 'Noted', bytes: OVERHEAD + 2 * accents, limit: LIMIT });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM es_events WHERE workspace_id = $1', [workspaceId]);
    expect(rows[0].n).toBe(1);
    const stream = await pool.query('SELECT version FROM es_streams WHERE workspace_id = $1 AND stream_id = $2', [workspaceId, streamId]);
    expect(stream.rows[0].version).toBe(1);
    expect((await append(workspaceId, streamId, 1, ['small'])).version).toBe(2);
  });
});
