import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { type LogProcessor, LogSubscription, PG_POOL, PostgresEventStore } from '@app/event-store';
import type pg from 'pg';
import { LogProcessorProvider } from './log-processor.decorator.js';

/** Runs one LogSubscription per discovered log processor, for as long as the application lives. */
@Injectable()
export class LogProcessorsRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LogProcessors');
  private readonly subscriptions = new Map<string, LogSubscription>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders({ metadataKey: LogProcessorProvider.KEY })) {
      const processor = wrapper.instance as LogProcessor | undefined;
      if (!processor || typeof processor.handle !== 'function') continue;
      // The name keys the lease and the checkpoint: two processors sharing one would steal each other's batches.
      if (this.subscriptions.has(processor.name)) throw new Error(`two log processors are named ${processor.name}`);
      const options = this.discovery.getMetadataByDecorator(LogProcessorProvider, wrapper) ?? {};
      this.subscriptions.set(processor.name, new LogSubscription(this.pool, this.store, processor, options));
    }
    await Promise.all([...this.subscriptions.values()].map((subscription) => subscription.start()));
    this.logger.log(`started: ${[...this.subscriptions.keys()].join(', ') || 'no log processors'}`);
  }

  /** Before the pool closes: each subscription finishes its batch and gives up its lease. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((subscription) => subscription.stop()));
  }

  /** A running subscription by processor name (tests drain it; operators may wake it). */
  get(name: string): LogSubscription | undefined {
    return this.subscriptions.get(name);
  }

  get names(): string[] {
    return [...this.subscriptions.keys()];
  }
}
