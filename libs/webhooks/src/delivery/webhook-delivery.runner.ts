import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { LogProcessorsRunner } from '@app/processors';
import { WebhookDeliveryLoop } from './webhook-delivery.loop.js';

/**
 * Runs the delivery loop wherever the log processors run (the worker, or the API with
 * WORKERS=inline: wherever ProcessorsModule is imported, and so the notifier runs too).
 */
@Injectable()
export class WebhookDeliveryRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly loop: WebhookDeliveryLoop,
  ) {}

  onApplicationBootstrap(): void {
    if (this.processorsRunHere()) this.loop.start();
  }

  /** Before the pool closes: attempts in flight are recorded. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private processorsRunHere(): boolean {
    try {
      return Boolean(this.moduleRef.get(LogProcessorsRunner, { strict: false }));
    } catch {
      return false;
    }
  }
}
