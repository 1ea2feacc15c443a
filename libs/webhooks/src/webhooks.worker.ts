import { LogSubscription, type LogSubscriptionOptions, type PostgresEventStore } from '@app/event-store';
import type pg from 'pg';
import { type ClientSecrets, WebhookDeliveryLoop } from './delivery/webhook-delivery.loop.js';
import { WebhookNotifier } from './notifications/webhook-notifier.processor.js';
import { DEFAULT_WEBHOOK_OPTIONS, type WebhookOptions } from './webhook-options.js';

export interface WebhooksWorkerDeps {
  pool: pg.Pool;
  store: PostgresEventStore;
  secrets: ClientSecrets;
}

/**
 * Webhooks in one piece, outside Nest's lifecycle: the notifier's log subscription and the delivery
 * loop, started and stopped together. In the apps, ProcessorsModule runs the notifier and
 * WebhooksModule the loop; this is for tests and tools that need their own timings.
 */
export class WebhooksWorker {
  readonly options: WebhookOptions;
  readonly subscription: LogSubscription;
  readonly deliveries: WebhookDeliveryLoop;

  constructor(deps: WebhooksWorkerDeps, options: Partial<WebhookOptions> = {}, logOptions: LogSubscriptionOptions = {}) {
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    this.subscription = new LogSubscription(deps.pool, deps.store, new WebhookNotifier(deps.store, this.options), logOptions);
    this.deliveries = new WebhookDeliveryLoop(deps.pool, deps.secrets, this.options);
  }

  async start(): Promise<void> {
    await this.subscription.start();
    this.deliveries.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.subscription.stop(), this.deliveries.stop()]);
  }

  /** Resolves once every event committed before the call has its deliveries queued. */
  async drain(): Promise<void> {
    await this.subscription.drain();
    this.deliveries.wake();
  }
}
