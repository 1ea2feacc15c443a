export * from './webhooks.module.js';
export * from './webhooks.worker.js';
export * from './webhook-options.js';
export * from './notifications/contact-notifications.js';
export * from './notifications/webhook-notifier.processor.js';
export * from './delivery/webhook-delivery.loop.js';
export { signatureOf, USER_AGENT } from './delivery/notification-request.js';
export * from './subscriptions/webhook-subscriptions.service.js';
export { Webhooks1764200000500 } from './migrations/1764200000500-webhooks.js';
