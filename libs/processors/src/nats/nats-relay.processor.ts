import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { CONTACT_ERASED } from '@app/contacts';
import { type LogProcessor, type StoredEvent, isPoison, withTimeout } from '@app/event-store';
import { Counter, Histogram } from 'prom-client';
import { LogProcessorProvider } from '../log-processor.decorator.js';
import { JetStreamLink, NATS_RELAY_OPTIONS, type NatsRelayOptions } from './jetstream-link.js';
import { envelopeOf, ownerFilterOf, ownerOfStream, subjectOf } from './relay-envelope.js';
import { poisonOrRethrow } from './relay-errors.js';

const relayed = new Counter({ name: 'nats_relay_events_total', help: 'Events published to JetStream and acknowledged', labelNames: ['stream'] });
const duplicates = new Counter({ name: 'nats_relay_duplicates_total', help: 'Publishes JetStream acknowledged as duplicates (a re-delivered batch)', labelNames: ['stream'] });
const purged = new Counter({ name: 'nats_relay_purged_messages_total', help: "Messages of erased contacts purged from JetStream (a contact's earlier messages, once its ContactErased is stored)", labelNames: ['stream'] });
const publishLatency = new Histogram({
  name: 'nats_relay_publish_duration_seconds',
  help: 'From publish to JetStream ack',
  labelNames: ['stream'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

// A batch runs inside the subscription's open transaction, which the server ends after 15 s idle:
// every wait below is bounded so that a stuck NATS fails the batch (and frees the lease) instead.
const BATCH_BUDGET_MS = 10_000;
const CONNECT_WAIT_MS = 3_000;
const MAX_BACKOFF_MS = 4_000;

/**
 * Publishes the log to JetStream: `<prefix>.<workspace_id>.<owner_id>.<event_type>` (the owner is the contact, for
 * its data events too, or the company), `Nats-Msg-Id` = event id, every ack awaited before the batch (and so the
 * checkpoint) commits. At-least-once: a batch that fails after some acks is published again, and JetStream drops the
 * copies within its duplicate window.
 *
 * Per-contact order: the events of one owner (a contact's own stream and its data-event stream alike) are published
 * one after another, each only once the previous one is acknowledged, so a lost publish can never let a later event
 * of the same contact land first. Different owners are pipelined.
 *
 * Erasure: once a `ContactErased` is acknowledged, the contact's messages stored before it (`<prefix>.<ws>.<id>.>`
 * with a lower sequence) are purged, in the contact's chain and within the same batch budget. A retry after a crash
 * between the two publishes it again (a duplicate, whose ack names the stored message's sequence) and purges again,
 * which removes nothing more; past the duplicate window the new copy's purge removes the older copy too.
 *
 * It polls every 100 ms rather than 500: the poll interval is most of the lag from commit to NATS.
 */
@LogProcessorProvider({ pollMs: 100, retryMs: 1000 })
@Injectable()
export class NatsRelay implements LogProcessor, OnModuleInit, OnApplicationShutdown {
  readonly name: string;
  readonly batchSize = 500;
  private readonly link: JetStreamLink;
  private readonly labels: { stream: string };
  private failures = 0;
  private readonly logger = new Logger('NatsRelay');

  constructor(@Inject(NATS_RELAY_OPTIONS) private readonly options: NatsRelayOptions) {
    // One checkpoint per target stream: pointing the relay at a new stream replays the log into it.
    this.name = `nats-relay:${options.stream}`;
    this.link = new JetStreamLink(options);
    this.labels = { stream: options.stream };
  }

  onModuleInit(): void {
    this.link.open();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.link.close();
  }

  async handle(events: StoredEvent[]): Promise<void> {
    const deadline = Date.now() + BATCH_BUDGET_MS;
    // Back-off after failures, cut short the moment NATS reconnects.
    if (this.failures > 0) await this.link.pause(Math.min(250 * 2 ** this.failures, MAX_BACKOFF_MS));
    try {
      const js = await beforeDeadline(this.link.ready(CONNECT_WAIT_MS), deadline);
      await this.publishInOrder(js, events, deadline);
      this.failures = 0;
    } catch (error) {
      // An event NATS will never take says nothing about NATS: no back-off, it is parked and the feed goes on.
      if (isPoison(error)) throw error;
      this.failures = Math.min(this.failures + 1, 10);
      this.link.streamSuspect();
      throw error;
    }
  }

  private async publishInOrder(js: JetStreamClient, events: StoredEvent[], deadline: number): Promise<void> {
    const byContact = new Map<string, StoredEvent[]>();
    for (const event of events) {
      const key = `${event.workspaceId}/${ownerOfStream(event.streamId)}`;
      byContact.get(key)?.push(event) ?? byContact.set(key, [event]);
    }
    let failed = false;
    await Promise.all(
      [...byContact.values()].map(async (chain) => {
        for (const event of chain) {
          if (failed) return;
          try {
            await this.publish(js, event, deadline);
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      }),
    );
  }

  private async publish(js: JetStreamClient, event: StoredEvent, deadline: number): Promise<void> {
    const timeout = this.timeoutBefore(deadline);
    const started = performance.now();
    const payload = JSON.stringify(envelopeOf(event));
    const ack = await js
      .publish(subjectOf(this.options.subjectPrefix, event), payload, { msgID: event.eventId, timeout, expect: { streamName: this.options.stream } })
      .catch((error: unknown) => poisonOrRethrow(error, event, Buffer.byteLength(payload)));
    publishLatency.observe(this.labels, (performance.now() - started) / 1000);
    relayed.inc(this.labels);
    if (ack.duplicate) duplicates.inc(this.labels);
    // Only on the contact's own stream: the purge covers its data-event stream too.
    if (event.type === CONTACT_ERASED && ownerOfStream(event.streamId) === event.streamId) await this.purgeBefore(event, ack.seq, deadline);
  }

  /** The erased contact's messages stored before its ContactErased (at `seq`), of both its streams. */
  private async purgeBefore(event: StoredEvent, seq: number, deadline: number): Promise<void> {
    const filter = ownerFilterOf(this.options.subjectPrefix, event.workspaceId, event.streamId);
    const count = await this.link.purgeBelow(filter, seq, this.timeoutBefore(deadline));
    purged.inc(this.labels, count);
    if (count > 0) this.logger.log(`purged ${count} earlier messages of erased contact ${event.streamId} (workspace ${event.workspaceId}) from ${this.options.stream}`);
  }

  /** One request's timeout: the configured one, cut to what is left of the batch budget. */
  private timeoutBefore(deadline: number): number {
    const timeout = Math.min(this.options.publishTimeoutMs ?? 5000, deadline - Date.now());
    if (timeout <= 0) throw new Error(`batch not acknowledged within ${BATCH_BUDGET_MS} ms`);
    return timeout;
  }
}

/** Connecting and looking up the stream are requests too: they get no more than the batch's budget. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  return withTimeout(promise, deadline - Date.now(), `NATS not ready within the batch budget of ${BATCH_BUDGET_MS} ms`);
}
