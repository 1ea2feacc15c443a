import { Inject, Injectable } from '@nestjs/common';
import { LIMITS, ParameterInvalidError, ResourceNotFoundError, newObjectId } from '@app/intercom';
import { PG_POOL, inLockedTransaction } from '@app/event-store';
import type pg from 'pg';
import { normalizeEventName } from '@app/contacts';
import { EVENT_TOPIC } from '../notifications/data-event-notifications.js';
import { WEBHOOK_TOPICS } from '../notifications/contact-notifications.js';

export interface WebhookSubscription {
  id: string;
  url: string;
  topics: string[];
  /** With event.created: the data events it hears of (normalized names). */
  event_names: string[] | null;
  active: boolean;
  created_at: number;
}

export interface WebhookDelivery {
  id: string;
  topic: string;
  event_id: string | null;
  notification_id: string;
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
}

export class WebhookSubscriptionNotFoundError extends ResourceNotFoundError {}

export class WebhookTopicInvalidError extends ParameterInvalidError {
  constructor(topic: string) {
    super(`'${topic}' is not a webhook topic; known topics: ${WEBHOOK_TOPICS.join(', ')}`, 'topics');
  }
}

/** Every event fans out to each subscription of its workspace: their number is bounded. */
export class WebhookSubscriptionLimitError extends ParameterInvalidError {
  constructor() {
    super(`A workspace can have at most ${LIMITS.webhookSubscriptions} webhook subscriptions; delete one to make room`, 'url');
  }
}

const epoch = (column: string) => `floor(extract(epoch FROM ${column}))::bigint`;
const SUBSCRIPTION = `id, url, topics, event_names, active, ${epoch('created_at')} AS created_at`;
const DELIVERY = `id::text AS id, topic, event_id, notification_id, status, attempts, last_status_code, last_error,
  ${epoch('next_attempt_at')} AS next_attempt_at, ${epoch('delivered_at')} AS delivered_at, ${epoch('created_at')} AS created_at`;

// 8 hex digits of creation time and 16 random ones, like the service's other ids.

@Injectable()
export class WebhookSubscriptionsService {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async create(workspaceId: string, url: string, topics: string[], eventNames: string[] = []): Promise<WebhookSubscription> {
    const unknown = topics.find((topic) => !WEBHOOK_TOPICS.includes(topic));
    if (unknown !== undefined) throw new WebhookTopicInvalidError(unknown);
    const names = topics.includes(EVENT_TOPIC) ? JSON.stringify([...new Set(eventNames.map(normalizeEventName))]) : null;
    return inLockedTransaction(this.pool, `webhook_subscriptions:${workspaceId}`, async (client) => {
      const { rows: held } = await client.query('SELECT count(*)::int AS n FROM webhook_subscriptions WHERE workspace_id = $1', [workspaceId]);
      if (held[0].n >= LIMITS.webhookSubscriptions) throw new WebhookSubscriptionLimitError();
      const { rows } = await client.query(
        `INSERT INTO webhook_subscriptions (workspace_id, id, url, topics, event_names) VALUES ($1, $2, $3, $4, $5) RETURNING ${SUBSCRIPTION}`,
        [workspaceId, newObjectId(), url, JSON.stringify([...new Set(topics)]), names],
      );
      return rows[0];
    });
  }

  async list(workspaceId: string): Promise<WebhookSubscription[]> {
    // Qualified: a bare created_at would sort by the output column, in whole seconds.
    const { rows } = await this.pool.query(`SELECT ${SUBSCRIPTION} FROM webhook_subscriptions s WHERE workspace_id = $1 ORDER BY s.created_at, s.id`, [workspaceId]);
    return rows;
  }

  /** Its deliveries go with it, sent or not. */
  async remove(workspaceId: string, id: string): Promise<WebhookSubscription> {
    const { rows } = await this.pool.query(`DELETE FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2 RETURNING ${SUBSCRIPTION}`, [workspaceId, id]);
    if (!rows[0]) throw new WebhookSubscriptionNotFoundError();
    return rows[0];
  }

  /** Newest first; `before` is the id of the last delivery of the previous page. One more row than asked tells whether there are more. */
  async deliveries(workspaceId: string, id: string, limit: number, before?: string): Promise<{ deliveries: WebhookDelivery[]; hasMore: boolean }> {
    const { rows } = await this.pool.query(
      `SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE workspace_id = $1 AND id = $2) AS found,
              coalesce((SELECT json_agg(d ORDER BY d.id::bigint DESC) FROM (
                SELECT ${DELIVERY} FROM webhook_deliveries w
                 WHERE workspace_id = $1 AND subscription_id = $2 AND ($4::bigint IS NULL OR w.id < $4::bigint)
                 ORDER BY w.id DESC LIMIT $3) d), '[]') AS deliveries`,
      [workspaceId, id, limit + 1, before ?? null],
    );
    if (!rows[0].found) throw new WebhookSubscriptionNotFoundError();
    const deliveries: WebhookDelivery[] = rows[0].deliveries;
    return { deliveries: deliveries.slice(0, limit), hasMore: deliveries.length > limit };
  }
}
