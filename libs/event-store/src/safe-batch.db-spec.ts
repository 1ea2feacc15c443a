import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type LogPosition, PostgresEventStore, readBoundedBatch } from './index.js';

let pool: pg.Pool;
let store: PostgresEventStore;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  store = new PostgresEventStore(pool);
});
afterAll(() => pool.end());

/**
 * One transaction of events whose payloads hold strings of the given lengths. They share a
 * transaction id, so no other test's events sort between them: reading from just before the first
 * sees them first, whatever else is appended meanwhile.
 */
async function appendSized(lengths: number[]): Promise<{ workspaceId: string; before: LogPosition; ids: string[]; bytes: number[] }> {
  const workspace = randomUUID();
  const { rows } = await pool.query(
    `INSERT INTO es_events (workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
     SELECT $1, $2, o, gen_random_uuid(), 'TestEvent', jsonb_build_object('s', repeat('x', n)), '{}'
       FROM unnest($3::int[]) WITH ORDINALITY AS u(n, o)
     RETURNING event_id, transaction_id::text AS transaction_id, global_position, octet_length(data::text) AS bytes`,
    [workspace, randomUUID(), lengths],
  );
  rows.sort((x, y) => x.global_position - y.global_position);
  return { workspaceId: workspace, before: { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position - 1 }, ids: rows.map((r) => r.event_id), bytes: rows.map((r) => r.bytes) };
}

async function read(after: LogPosition, limit: number, maxBytes: number, workspaceId?: string) {
  // The events become readable once every older transaction has ended.
  for (let i = 0; i < 500; i++) {
    const batch = await readBoundedBatch(pool, store, { after, limit, maxBytes, workspaceId });
    if (batch.events.length > 0) return { ids: batch.events.map((e) => e.eventId), full: batch.full };
    await sleep(20);
  }
  throw new Error('the events never became readable');
}

describe('readBoundedBatch', () => {
  it('stops adding events before the one that takes the payloads past the byte budget', async () => {
    const { before, ids, bytes } = await appendSized([1000, 1000, 1000, 1000]);
    expect(bytes[0]).toBe(1000 + '{"s": ""}'.length);
    expect(await read(before, 10, 2 * bytes[0])).toEqual({ ids: ids.slice(0, 2), full: true });
    expect(await read(before, 10, 2 * bytes[0] - 1)).toEqual({ ids: ids.slice(0, 1), full: true });
  });

  it('sends an event larger than the budget alone, and still stops at the count', async () => {
    const { before, ids } = await appendSized([50_000, 10, 10]);
    expect(await read(before, 10, 4096)).toEqual({ ids: ids.slice(0, 1), full: true });
    expect(await read(before, 2, 1 << 20)).toEqual({ ids: ids.slice(0, 2), full: true });
  });

  it("bounds one workspace's reads (the change feed's) by bytes the same way", async () => {
    const { workspaceId, before, ids, bytes } = await appendSized([1000, 1000, 1000]);
    expect(await read(before, 10, 2 * bytes[0], workspaceId)).toEqual({ ids: ids.slice(0, 2), full: true });
    expect(await read(before, 10, 1 << 20, workspaceId)).toEqual({ ids, full: false });
  });

  // Transaction ids are read as text: ordered as text, 10 would come before 9 and the checkpoint would jump past 9.
  it('reads in commit order when transaction ids have different numbers of digits', async () => {
    const workspace = randomUUID();
    const { rows } = await pool.query(
      `INSERT INTO es_events (transaction_id, workspace_id, stream_id, stream_position, event_id, event_type, data, metadata)
       SELECT x::text::xid8, $1, $2, o, gen_random_uuid(), 'TestEvent', '{}', '{}' FROM unnest($3::int[]) WITH ORDINALITY AS u(x, o)
       RETURNING event_id`,
      [workspace, randomUUID(), [8, 9, 10, 11]],
    );
    const ids = rows.map((row) => row.event_id);
    const start = { transactionId: '7', globalPosition: 0 };
    expect(await read(start, 2, 1 << 20, workspace)).toEqual({ ids: ids.slice(0, 2), full: true });
    expect((await read(start, 2, 1 << 20)).ids).toEqual(ids.slice(0, 2));
  });
});
