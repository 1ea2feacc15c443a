import type { Logger } from '@nestjs/common';
import type pg from 'pg';
import { Counter } from 'prom-client';
import { type LogPosition, positionOf, saveCheckpoint } from './checkpoints.js';
import type { StoredEvent } from './event.js';
import type { LogProcessor } from './log-subscription.js';
import { anyParked, isPoison, lockParked, parkEvent, parkedErrorText, parkedStreams, streamKeyOf } from './parked-events.js';

/** The bound of each statement inside a processor's batch transaction (requests have a shorter one). */
export const PROCESSOR_STATEMENT_TIMEOUT_MS = 30_000;

const parkedTotal = new Counter({ name: 'log_processor_parked_events_total', help: 'Events set aside as poison or held behind one', labelNames: ['processor'] });

/** The client of one batch; `broken` makes its release destroy the connection. */
export interface BatchSession {
  client: pg.PoolClient;
  broken?: Error;
}

/** A subscription's batch transactions: the processor's effects, parking, holding, and the checkpoint. */
export class BatchCommitter {
  // Only the lease holder parks; a retry elsewhere only removes. So once none are left, none appear
  // behind our back, and the hot path skips the hold check until we park again or re-acquire the lease.
  private mayHaveParked = true;
  private readonly labels: { processor: string };

  constructor(
    private readonly processor: LogProcessor,
    private readonly logger: Logger,
  ) {
    this.labels = { processor: processor.name };
  }

  leaseAcquired(): void {
    this.mayHaveParked = true;
  }

  /** One transaction: the events (less those held behind a parked one), their effects and the checkpoint. */
  async commit(session: BatchSession, from: LogPosition, events: StoredEvent[], parkOnPoison: boolean): Promise<void> {
    const { client } = session;
    const parked: string[] = [];
    // The pool's statement timeout is a request's; a batch's statements get the processors' longer bound.
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${PROCESSOR_STATEMENT_TIMEOUT_MS}`);
    try {
      const pass = await this.holdBehindParked(client, events, parked);
      if (pass.length > 0 && parkOnPoison) await this.handleOrPark(client, pass[0], parked);
      else if (pass.length > 0) await this.processor.handle(pass, client);
      await saveCheckpoint(client, this.processor.name, positionOf(events[events.length - 1]), from);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (session.broken = rollbackError));
      throw error;
    }
    for (const line of parked) this.logger.warn(line);
    if (parked.length > 0) parkedTotal.inc(this.labels, parked.length);
  }

  /**
   * Per-contact order: while an event of a stream is parked, its later events are parked too, held
   * behind it, so that no consumer sees a contact's event after one that never reached it.
   */
  private async holdBehindParked(client: pg.PoolClient, events: StoredEvent[], parked: string[]): Promise<StoredEvent[]> {
    if (!this.mayHaveParked) return events;
    let blockers = await parkedStreams(client, this.processor.name, events);
    if (blockers.size === 0) {
      this.mayHaveParked = await anyParked(client, this.processor.name);
      return events;
    }
    // Only now, about to hold: a retry that is taking a stream's last parked event away finishes first
    // (and its removal is then seen here), or waits for this batch and then finds what it holds.
    await lockParked(client, this.processor.name);
    blockers = await parkedStreams(client, this.processor.name, events);
    const pass: StoredEvent[] = [];
    for (const event of events) {
      const blocker = blockers.get(streamKeyOf(event));
      if (blocker === undefined) {
        pass.push(event);
        continue;
      }
      await parkEvent(client, this.processor.name, event, `held behind parked event ${blocker}`, blocker);
      parked.push(`held event ${event.eventId} (${event.type}, workspace ${event.workspaceId}, contact ${event.streamId}) behind parked event ${blocker}`);
    }
    return pass;
  }

  /** Handles one event; if it is poison, undoes its effects and parks it in the same transaction instead. */
  private async handleOrPark(client: pg.PoolClient, event: StoredEvent, parked: string[]): Promise<void> {
    await client.query('SAVEPOINT handle_event');
    try {
      await this.processor.handle([event], client);
    } catch (error) {
      if (!isPoison(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT handle_event');
      const text = parkedErrorText(error);
      await parkEvent(client, this.processor.name, event, text);
      this.mayHaveParked = true;
      parked.push(`parked event ${event.eventId} (${event.type}, workspace ${event.workspaceId}, contact ${event.streamId}): ${text}`);
    }
  }
}
