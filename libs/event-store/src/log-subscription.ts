import { Logger } from '@nestjs/common';
import type pg from 'pg';
import { Counter, Gauge } from 'prom-client';
import { type LogPosition, type Queryable, CheckpointConflictError, loadCheckpoint, measureLag, positionOf, saveCheckpoint } from './checkpoints.js';
import type { StoredEvent } from './event.js';
import { AdvisoryLease } from './leases.js';
import { Wakeable } from './waits.js';
import { EVENT_COLUMNS } from './postgres-event-store.js';

/** Decodes a row through the event codec: pass the PostgresEventStore. */
export interface EventDecoder {
  toStoredEvent(row: Record<string, unknown>): StoredEvent;
}

export interface SafeBatchQuery {
  after: LogPosition;
  limit: number;
  workspaceId?: string;
}

// Every transaction below the snapshot's xmin has ended, so no event can still appear before this
// horizon: reading only below it and resuming after (transaction_id, global_position) skips nothing.
const SAFE_BATCH = `SELECT ${EVENT_COLUMNS} FROM es_events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
const ORDER = 'ORDER BY transaction_id, global_position LIMIT $3';

/** The next events after a position in commit order, up to the safe horizon: the building block of every reader. */
export async function readSafeBatch(db: Queryable, decoder: EventDecoder, query: SafeBatchQuery): Promise<StoredEvent[]> {
  const values: unknown[] = [query.after.transactionId, query.after.globalPosition, query.limit];
  const result = await db.query(
    query.workspaceId === undefined
      ? { name: 'es_read_safe_batch', text: `${SAFE_BATCH} ${ORDER}`, values }
      : { name: 'es_read_safe_batch_ws', text: `${SAFE_BATCH} AND workspace_id = $4 ${ORDER}`, values: [...values, query.workspaceId] },
  );
  return result.rows.map((row) => decoder.toStoredEvent(row));
}

/** The bound of each statement inside a processor's batch transaction (requests have a shorter one). */
export const PROCESSOR_STATEMENT_TIMEOUT_MS = 30_000;

export interface LogProcessor {
  /** Stable: it keys the checkpoint and the lease. */
  name: string;
  batchSize?: number;
  /**
   * Gets the next events in commit order inside an open transaction on `tx`, in which the checkpoint
   * is saved as soon as this resolves. Effects written through `tx` happen exactly once; external
   * effects (a publish, an HTTP call) must be confirmed before resolving and are at-least-once.
   * Throwing rolls back and re-delivers the same batch. Finish well within the session's
   * idle_in_transaction_session_timeout (15 s), or the server ends the transaction.
   */
  handle(events: StoredEvent[], tx: pg.PoolClient): Promise<void>;
}

export interface LogSubscriptionOptions {
  /** Polling is the source of truth; a wake-up only shortens the wait. Default 500. */
  pollMs?: number;
  /** Also wake on NOTIFY es_events (the trigger of migration 1764200000050 is disabled by default). */
  listen?: boolean;
  /** Lease heartbeat, and how often a standby instance tries to take over. Default 2000. */
  leaseHeartbeatMs?: number;
  /** Pause after a failed batch before it is read again. Default 1000. */
  retryMs?: number;
}

const labelNames = ['processor'] as const;
const lagEvents = new Gauge({ name: 'log_processor_lag_events', help: 'Committed events after the checkpoint (capped)', labelNames });
const lagSeconds = new Gauge({ name: 'log_processor_lag_seconds', help: 'Age of the oldest event after the checkpoint', labelNames });
const processed = new Counter({ name: 'log_processor_events_total', help: 'Events handled and checkpointed', labelNames });
const failures = new Counter({ name: 'log_processor_failures_total', help: 'Batches rolled back for a retry', labelNames });

/** Runs one processor: one active instance per name, batches in commit order, checkpoint in the effects' transaction. */
export class LogSubscription {
  private readonly logger: Logger;
  private readonly lease: AdvisoryLease;
  private readonly labels: { processor: string };
  private loop?: Promise<void>;
  private running = false;
  private readonly pause = new Wakeable();
  private drains: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private lagMeasuredAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly decoder: EventDecoder,
    private readonly processor: LogProcessor,
    private readonly options: LogSubscriptionOptions = {},
  ) {
    this.logger = new Logger(`LogSubscription:${processor.name}`);
    this.labels = { processor: processor.name };
    this.lease = new AdvisoryLease(AdvisoryLease.connectionOf(pool, `es-lease:${processor.name}`), processor.name, {
      heartbeatMs: options.leaseHeartbeatMs ?? 2000,
      onLost: (reason) => {
        this.logger.warn(`lease lost, processing stops: ${String(reason)}`);
        this.clearMetrics();
      },
    });
  }

  /** True while this instance holds the lease and processes. */
  get active(): boolean {
    return this.lease.held;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Lets the current batch finish, then gives up the lease for a standby to take over. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = undefined;
    await this.lease.release();
    this.clearMetrics();
    for (const drain of this.drains.splice(0)) drain.reject(new Error(`${this.processor.name} stopped before catching up`));
  }

  /** Resolves once this instance, holding the lease, has read up to the safe horizon as of this call. */
  drain(): Promise<void> {
    if (!this.running) return Promise.reject(new Error(`${this.processor.name} is not started`));
    return new Promise((resolve, reject) => {
      this.drains.push({ resolve, reject });
      this.wake();
    });
  }

  /** Skips the current wait, e.g. after an append in the same process. */
  wake(): void {
    this.pause.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pause = this.options.pollMs ?? 500;
      try {
        if (await this.acquire()) await this.catchUp();
        else pause = this.options.leaseHeartbeatMs ?? 2000;
      } catch (error) {
        failures.inc(this.labels);
        if (error instanceof CheckpointConflictError) this.logger.warn(error.message);
        else this.logger.error(`batch failed, retrying: ${String(error)}`, (error as Error).stack);
        pause = this.options.retryMs ?? 1000;
      }
      await this.pause.sleep(pause);
    }
  }

  private async acquire(): Promise<boolean> {
    if (this.lease.held) return true;
    if (!(await this.lease.tryAcquire())) return false;
    if (this.options.listen) await this.lease.listen('es_events', () => this.wake());
    this.logger.log('lease acquired, processing');
    return true;
  }

  // Drains asked for before this pass began are answered when it reaches the horizon.
  private async catchUp(): Promise<void> {
    const drains = this.drains.splice(0);
    const batchSize = this.processor.batchSize ?? 100;
    let caughtUp = false;
    try {
      let read: number;
      do read = await this.processBatch(batchSize);
      while (read === batchSize && this.running && this.lease.held);
      caughtUp = read < batchSize && this.lease.held;
    } finally {
      if (caughtUp) drains.forEach((drain) => drain.resolve());
      else this.drains.unshift(...drains);
    }
  }

  private async processBatch(batchSize: number): Promise<number> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client whose session dies while idle (during an await in handle) emits 'error';
    // unheard, that would take the whole process down instead of failing this batch.
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    try {
      const from = await loadCheckpoint(client, this.processor.name);
      const events = await readSafeBatch(client, this.decoder, { after: from, limit: batchSize });
      if (events.length > 0) {
        // The pool's statement timeout is a request's; a batch's statements get the processors' longer bound.
        await client.query(`BEGIN; SET LOCAL statement_timeout = ${PROCESSOR_STATEMENT_TIMEOUT_MS}`);
        try {
          await this.processor.handle(events, client);
          await saveCheckpoint(client, this.processor.name, positionOf(events[events.length - 1]), from);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
          throw error;
        }
        processed.inc(this.labels, events.length);
      }
      await this.reportLag(client, events.length > 0 ? positionOf(events[events.length - 1]) : from, events.length < batchSize);
      return events.length;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  private async reportLag(db: Queryable, position: LogPosition, caughtUp: boolean): Promise<void> {
    if (!caughtUp && Date.now() - this.lagMeasuredAt < 1000) return;
    this.lagMeasuredAt = Date.now();
    const lag = await measureLag(db, position);
    lagEvents.set(this.labels, lag.events);
    lagSeconds.set(this.labels, lag.seconds);
  }

  private clearMetrics(): void {
    lagEvents.remove(this.labels);
    lagSeconds.remove(this.labels);
  }
}
