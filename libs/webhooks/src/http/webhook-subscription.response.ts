import type { WebhookDelivery, WebhookSubscription } from '../subscriptions/webhook-subscriptions.service.js';

export const renderSubscription = (s: WebhookSubscription) => ({
  type: 'webhook_subscription',
  id: s.id,
  url: s.url,
  topics: s.topics,
  // Intercom's shape for an event.created subscription; the others have none.
  ...(s.event_names ? { metadata: { event_names: s.event_names } } : {}),
  active: s.active,
  created_at: s.created_at,
});

export const renderDelivery = (d: WebhookDelivery) => ({
  type: 'webhook_delivery',
  id: d.id,
  topic: d.topic,
  event_id: d.event_id,
  notification_id: d.notification_id,
  status: d.status,
  attempts: d.attempts,
  last_status_code: d.last_status_code,
  last_error: d.last_error,
  next_attempt_at: d.status === 'pending' ? d.next_attempt_at : null,
  delivered_at: d.delivered_at,
  created_at: d.created_at,
});
