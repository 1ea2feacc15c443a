import { Module } from '@nestjs/common';
import { WebhookDeliveryLoop } from './delivery/webhook-delivery.loop.js';
import { WebhookDeliveryRunner } from './delivery/webhook-delivery.runner.js';
import { WebhookSubscriptionsController } from './http/webhook-subscriptions.controller.js';
import { WebhookNotifier } from './notifications/webhook-notifier.processor.js';
import { WebhookSubscriptionsService } from './subscriptions/webhook-subscriptions.service.js';
import { WEBHOOK_OPTIONS, webhookOptionsFromEnv } from './webhook-options.js';

/**
 * Webhook subscriptions over HTTP, and their delivery: WebhookNotifier is a log processor (run by
 * ProcessorsModule where it is imported) and the delivery loop runs beside it. Import it in the API
 * and in the worker alike, beside `WorkspacesModule.forRoot` (global: the client secrets come from its one
 * WorkspacesService). Tunable through WEBHOOK_* variables (see webhook-options.ts).
 */
@Module({
  controllers: [WebhookSubscriptionsController],
  providers: [
    { provide: WEBHOOK_OPTIONS, useFactory: () => webhookOptionsFromEnv(process.env) },
    WebhookSubscriptionsService,
    WebhookNotifier,
    WebhookDeliveryLoop,
    WebhookDeliveryRunner,
  ],
  exports: [WebhookSubscriptionsService, WebhookDeliveryLoop],
})
export class WebhooksModule {}
