import { Logger } from '@nestjs/common';
import type pg from 'pg';
import { Counter, Gauge } from 'prom-client';
import { type LogPosition, type Queryable, CheckpointConflictError, loadCheckpoint, measureLag, positionOf } from './checkpoints.js';
import type { StoredEvent } from './event.js';
import { AdvisoryLease } from './leases.js';
import { type BatchSession, BatchCommitter } from './batch-commit.js';
import { isPoison } from './parked-events.js';
import { type EventDecoder, readBoundedBatch } from './safe-batch.js';
import { Wakeable } from './waits.js';


export interface LogProcessor {
  /** Stable: it keys the checkpoint and the lease. */
  name: string;
  batchSize?: number;
  /**
   * Gets the next events in commit order inside an open transaction on `tx`, in which the checkpoint
   * is saved as soon as this resolves. Effects written through `tx` happen exactly once; external
   * effects (a publish, an HTTP call) must be confirmed before resolving and are at-least-once.
   * Throwing rolls back and re-delivers the same batch, except for a PoisonEventError: the batch is
   * then handled one event at a time, and the event that throws it is parked (see parked-events.ts),
   * with the later events of its stream held behind it. Finish well within the session's
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
  /** A batch stops adding events once their payloads (as JSON text) pass this; a larger event goes alone. Default 4 MiB. */
  batchMaxBytes?: number;
}

export const DEFAULT_BATCH_MAX_BYTES = 4 * 1024 * 1024;



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
  private readonly batches: BatchCommitter;

  constructor(
    private readonly pool: pg.Pool,
    private readonly decoder: EventDecoder,
    private readonly processor: LogProcessor,
    private readonly options: LogSubscriptionOptions = {},
  ) {
    this.logger = new Logger(`LogSubscription:${processor.name}`);
    this.labels = { processor: processor.name };
    this.batches = new BatchCommitter(processor, this.logger);
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
    this.batches.leaseAcquired();
    if (this.options.listen) await this.lease.listen('es_events', () => this.wake());
    this.logger.log('lease acquired, processing');
    return true;
  }

  // Drains asked for before this pass began are answered when it reaches the horizon.
  private async catchUp(): Promise<void> {
    const drains = this.drains.splice(0);
    let caughtUp = false;
    try {
      let full: boolean;
      do full = await this.processBatch();
      while (full && this.running && this.lease.held);
      caughtUp = !full && this.lease.held;
    } finally {
      if (caughtUp) drains.forEach((drain) => drain.resolve());
      else this.drains.unshift(...drains);
    }
  }

  /** One batch, bounded by count and by bytes; true when it was full (more may follow at once). */
  private async processBatch(): Promise<boolean> {
    const session: BatchSession = { client: await this.pool.connect() };
    const { client } = session;
    // A checked-out client whose session dies while idle (during an await in handle) emits 'error';
    // unheard, that would take the whole process down instead of failing this batch.
    const onError = (error: Error) => (session.broken = error);
    client.on('error', onError);
    try {
      const from = await loadCheckpoint(client, this.processor.name);
      const limit = this.processor.batchSize ?? 100;
      const maxBytes = this.options.batchMaxBytes ?? DEFAULT_BATCH_MAX_BYTES;
      const { events, full } = await readBoundedBatch(client, this.decoder, { after: from, limit, maxBytes });
      if (events.length > 0) {
        try {
          await this.batches.commit(session, from, events, events.length === 1);
        } catch (error) {
          if (!isPoison(error)) throw error;
          // Some event of the batch cannot be handled: find it by going one at a time, each with its checkpoint.
          let at = from;
          for (const event of events) {
            await this.batches.commit(session, at, [event], true);
            at = positionOf(event);
          }
        }
        processed.inc(this.labels, events.length);
      }
      await this.reportLag(client, events.length > 0 ? positionOf(events[events.length - 1]) : from, !full);
      return full;
    } finally {
      client.off('error', onError);
      client.release(session.broken);
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
