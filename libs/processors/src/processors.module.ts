import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LogProcessorsRunner } from './log-processors.runner.js';
import { NATS_RELAY_OPTIONS, type NatsRelayOptions } from './nats/jetstream-link.js';
import { NatsRelay } from './nats/nats-relay.processor.js';

export interface ProcessorsOptions {
  /** Unset: no NATS relay. */
  natsUrl?: string;
  natsStream: string;
  natsSubjectPrefix: string;
}

/**
 * Runs the log processors of the process that imports it: the worker always, the API with
 * WORKERS=inline. Its own processor is the NATS relay; other modules add theirs through
 * `@LogProcessorProvider()` (see log-processor.decorator.ts).
 */
@Module({})
export class ProcessorsModule {
  static forRoot(options: ProcessorsOptions): DynamicModule {
    const relay: NatsRelayOptions | undefined = options.natsUrl
      ? { url: options.natsUrl, stream: options.natsStream, subjectPrefix: options.natsSubjectPrefix }
      : undefined;
    return {
      module: ProcessorsModule,
      imports: [DiscoveryModule],
      providers: [LogProcessorsRunner, ...(relay ? [{ provide: NATS_RELAY_OPTIONS, useValue: relay }, NatsRelay] : [])],
      exports: [LogProcessorsRunner],
    };
  }
}
