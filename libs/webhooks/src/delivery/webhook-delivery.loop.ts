import { Inject, Injectable, Logger } from '@nestjs/common';
import { PG_POOL, Wakeable } from '@app/event-store';
import { WorkspacesService } from '@app/workspaces';
import type pg from 'pg';
import { Counter, Histogram } from 'prom-client';
import { WEBHOOK_OPTIONS, type WebhookOptions } from '../webhook-options.js';
import { nextStep } from './delivery-policy.js';
import { type ClaimedDelivery, DeliveryQueue } from './delivery-queue.js';
import { envelopeOf, post } from './notification-request.js';

const outcomes = new Counter({ name: 'webhook_deliveries_total', help: 'Delivery attempts by outcome', labelNames: ['outcome'] });
const latency = new Histogram({
  name: 'webhook_delivery_duration_seconds',
  help: 'From request to answer (or timeout) of one attempt',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** Where the signing key comes from: WorkspacesService, or anything with its `clientSecret`. */
export type ClientSecrets = Pick<WorkspacesService, 'clientSecret'>;

// A claim outlives its attempt by this much, so a crashed sender's delivery is taken again later.
const LOCK_MARGIN_MS = 30_000;

/**
 * Sends due deliveries, up to `concurrency` at a time across subscriptions, each subscription's
 * one after another. Each slot is refilled as soon as its attempt ends, so a receiver that hangs
 * until the timeout occupies one slot and delays only its own queue. Any number of instances may run.
 */
@Injectable()
export class WebhookDeliveryLoop {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly queue: DeliveryQueue;
  private readonly inFlight = new Set<Promise<void>>();
  private loop?: Promise<void>;
  private running = false;
  private readonly pause = new Wakeable();

  constructor(
    @Inject(PG_POOL) pool: pg.Pool,
    @Inject(WorkspacesService) private readonly secrets: ClientSecrets,
    @Inject(WEBHOOK_OPTIONS) private readonly options: WebhookOptions,
  ) {
    this.queue = new DeliveryQueue(pool);
  }

  start(): void {
    if (this.loop) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming and waits for the attempts in flight (each ends by its timeout). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  wake(): void {
    this.pause.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let full = false;
      try {
        const free = this.options.concurrency - this.inFlight.size;
        if (free > 0) {
          const claimed = await this.queue.claim(free, this.options.timeoutMs + LOCK_MARGIN_MS);
          for (const delivery of claimed) this.track(this.attempt(delivery));
          full = claimed.length === free;
        }
      } catch (error) {
        this.logger.error(`claiming deliveries failed: ${String(error)}`);
      }
      // Every slot just taken may mean more are due: look again at once, unless all slots are busy.
      if (!full || this.inFlight.size >= this.options.concurrency) await this.pause.sleep(this.options.pollMs);
    }
  }

  private track(attempt: Promise<void>): void {
    this.inFlight.add(attempt);
    void attempt.finally(() => {
      this.inFlight.delete(attempt);
      // The next delivery of that subscription may be due now.
      this.wake();
    });
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    try {
      const secret = await this.secrets.clientSecret(delivery.workspace_id);
      const started = performance.now();
      const result = secret
        ? await post(delivery.url, JSON.stringify(envelopeOf(delivery)), secret, this.options.timeoutMs)
        : { statusCode: null, error: 'workspace has no client secret' };
      latency.observe((performance.now() - started) / 1000);
      const step = nextStep(result, delivery.attempts + 1, Date.now() - delivery.created_at.getTime(), this.options);
      await this.queue.record(delivery, result, step);
      outcomes.inc({ outcome: step.kind });
    } catch (error) {
      // The claim runs out and the delivery is tried again; nothing is lost.
      this.logger.error(`delivery ${delivery.id} could not be recorded: ${String(error)}`);
    }
  }
}
