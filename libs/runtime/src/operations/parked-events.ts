import { type LogProcessor, type RetryOutcome, type RetryTarget, retryParked } from '@app/event-store';
import { NatsRelay } from '@app/processors';
import { WebhookNotifier, webhookOptionsFromEnv } from '@app/webhooks';
import type pg from 'pg';
import type { AppConfig } from '../config.js';
import { eventStoreFor } from '../encryption.js';

/**
 * `processors retry`: the processors this configuration runs (the webhook notifier, and the NATS relay
 * when NATS_URL is set), built outside Nest so that nothing else starts, and fed the parked events.
 * A parked event of a processor not configured here (another NATS stream) is reported as skipped.
 */
export async function retryParkedEvents(pool: pg.Pool, config: AppConfig, env: NodeJS.ProcessEnv, target: RetryTarget): Promise<RetryOutcome> {
  const store = eventStoreFor(pool, config);
  const relay = config.natsUrl ? new NatsRelay({ url: config.natsUrl, stream: config.natsStream, subjectPrefix: config.natsSubjectPrefix }) : undefined;
  const processors: LogProcessor[] = [new WebhookNotifier(store, webhookOptionsFromEnv(env)), ...(relay ? [relay] : [])];
  try {
    return await retryParked(pool, store, processors, target);
  } finally {
    await relay?.onApplicationShutdown();
  }
}
