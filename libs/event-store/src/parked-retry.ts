import type pg from 'pg';
import { PROCESSOR_STATEMENT_TIMEOUT_MS } from './batch-commit.js';
import type { LogProcessor } from './log-subscription.js';
import { EVENT_COLUMNS } from './postgres-event-store.js';
import type { EventDecoder } from './safe-batch.js';
import { type ParkedEvent, countFailedAttempt, firstParkedOfStream, lockParked, parkedErrorText, unpark } from './parked-events.js';

/** Which parked events to feed again: some by id (each brings its stream's chain), or all. */
export type RetryTarget = { ids: number[] } | 'all';

export interface RetryOutcome {
  delivered: { id: number; processor: string; event_id: string }[];
  still_parked: { id: number; processor: string; event_id: string; attempts: number; error: string }[];
  /** Parked for a processor this process does not run (e.g. a relay to another NATS stream). */
  skipped: { processor: string; workspace_id: string; stream_id: string }[];
}

/**
 * Feeds parked events through their processor again. Events of one stream go in log order from the
 * first parked one, each in its own transaction that removes it, so an event held behind another is
 * never delivered before it: retrying any event of a stream retries the stream's parked events up to
 * the first that still fails. That one stays parked with its attempt counted, and so do those behind it.
 */
export async function retryParked(pool: pg.Pool, decoder: EventDecoder, processors: LogProcessor[], target: RetryTarget): Promise<RetryOutcome> {
  const outcome: RetryOutcome = { delivered: [], still_parked: [], skipped: [] };
  const { rows: streams } = await pool.query(
    `SELECT DISTINCT processor, workspace_id, stream_id FROM es_parked_events WHERE $1::boolean OR id = ANY($2::bigint[]) ORDER BY 1, 2, 3`,
    [target === 'all', target === 'all' ? [] : target.ids],
  );
  for (const { processor: name, workspace_id, stream_id } of streams) {
    const processor = processors.find((p) => p.name === name);
    if (!processor) {
      outcome.skipped.push({ processor: name, workspace_id, stream_id });
      continue;
    }
    while (await retryFirst(pool, decoder, processor, workspace_id, stream_id, outcome));
  }
  return outcome;
}

/** True when the stream's first parked event was delivered and the next may follow. */
async function retryFirst(pool: pg.Pool, decoder: EventDecoder, processor: LogProcessor, workspaceId: string, streamId: string, outcome: RetryOutcome): Promise<boolean> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${PROCESSOR_STATEMENT_TIMEOUT_MS}`);
    try {
      await lockParked(client, processor.name);
      const parked = await firstParkedOfStream(client, processor.name, workspaceId, streamId);
      if (!parked) {
        await client.query('COMMIT');
        return false;
      }
      const delivered = await feed(client, decoder, processor, parked);
      if (delivered) await unpark(client, parked.id);
      else await countFailedAttempt(client, parked.id, parked.error);
      await client.query('COMMIT');
      if (delivered) outcome.delivered.push({ id: parked.id, processor: parked.processor, event_id: parked.event_id });
      else outcome.still_parked.push({ id: parked.id, processor: parked.processor, event_id: parked.event_id, attempts: parked.attempts + 1, error: parked.error });
      return delivered;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

/** Runs the processor on the one event behind a savepoint; on failure, records the new error on `parked`. */
async function feed(client: pg.PoolClient, decoder: EventDecoder, processor: LogProcessor, parked: ParkedEvent): Promise<boolean> {
  const { rows } = await client.query(`SELECT ${EVENT_COLUMNS} FROM es_events WHERE event_id = $1`, [parked.event_id]);
  await client.query('SAVEPOINT parked_retry');
  try {
    await processor.handle(await decoder.toStoredEvents(rows), client);
    return true;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT parked_retry');
    parked.error = parkedErrorText(error);
    return false;
  }
}
