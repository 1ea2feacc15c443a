import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONTACT_ERASED, type CompanyState, type ContactState, companyStatesAfter, contactIdOfStream, isCompanyEvent, tagNamesOf, toCompanyEvent, toContactEvent } from '@app/contacts';
import { type LogProcessor, PoisonEventError, PostgresEventStore, type Queryable, type StoredEvent } from '@app/event-store';
import { LogProcessorProvider } from '@app/processors';
import type pg from 'pg';
import { Counter } from 'prom-client';
import { WEBHOOK_OPTIONS, type WebhookOptions } from '../webhook-options.js';
import { type CompanyExtras, companyNotificationsOf } from './company-notifications.js';
import { NOTIFYING_EVENTS, notificationsOf } from './contact-notifications.js';
import { EVENT_TOPIC, dataEventNotification } from './data-event-notifications.js';
import { statesAfter } from './contact-states.js';
import { webhookDeliveriesErasure } from './delivery-erasure.js';

const enqueued = new Counter({ name: 'webhook_notifications_enqueued_total', help: 'Deliveries queued for a subscription', labelNames: ['topic'] });

interface Subscriber {
  id: string;
  topics: Set<string>;
  /** The data events an event.created subscription named; null without that topic. */
  eventNames: Set<string> | null;
  createdAt: Date;
}

// FOR SHARE: a subscription being disabled (410) or deleted waits for this batch, so its last
// deliveries are dropped or removed with it instead of being left pending behind it.
const ACTIVE_SUBSCRIPTIONS = `
  SELECT workspace_id, id, topics, event_names, created_at FROM webhook_subscriptions
   WHERE active AND workspace_id = ANY($1::text[]) FOR SHARE`;

// Rows keep their order in the log: a subscription's queue is sent by id.
const INSERT_DELIVERIES = `
  INSERT INTO webhook_deliveries (workspace_id, subscription_id, contact_id, topic, event_id, notification_id, item, occurred_at)
  SELECT r.workspace_id, r.subscription_id, r.contact_id, r.topic, r.event_id, r.notification_id, r.item, r.occurred_at
    FROM jsonb_to_recordset($1::jsonb)
      AS r(n integer, workspace_id text, subscription_id text, contact_id text, topic text, event_id uuid, notification_id text, item jsonb, occurred_at bigint)
   ORDER BY r.n
  ON CONFLICT (workspace_id, subscription_id, event_id, topic) DO NOTHING`;

/**
 * Turns the log into webhook deliveries: for each event, one row per matching active subscription,
 * written through the batch's transaction (so exactly once, with the checkpoint). It never calls a
 * receiver, so a slow one cannot hold back the log; the delivery loop sends the rows.
 */
@LogProcessorProvider()
@Injectable()
export class WebhookNotifier implements LogProcessor {
  readonly name: string;
  readonly batchSize = 200;

  constructor(
    private readonly store: PostgresEventStore,
    @Inject(WEBHOOK_OPTIONS) options: WebhookOptions,
  ) {
    this.name = options.processorName;
  }

  async handle(events: StoredEvent[], tx: pg.PoolClient): Promise<void> {
    await this.notify(events, tx);
    // No topic (Intercom has none for erasure): what was queued for the contact, by this batch too, loses its values.
    for (const event of events.filter((e) => e.type === CONTACT_ERASED)) {
      const values: unknown[] = [];
      const statement = webhookDeliveriesErasure(event.workspaceId, event.streamId, (value) => `$${values.push(value)}`);
      await tx.query(`WITH stream AS (SELECT 1) ${statement}`, values);
    }
  }

  private async notify(events: StoredEvent[], tx: pg.PoolClient): Promise<void> {
    const candidates = events.filter((event) => NOTIFYING_EVENTS.has(event.type) || event.type === 'DataEventTracked');
    if (candidates.length === 0) return;
    const subscribers = await activeSubscribers(tx, candidates);
    // A subscription hears what happened after it was made, not the backlog of a lagging processor.
    const wanted = candidates.filter((event) => subscribers.get(event.workspaceId)?.some((s) => s.createdAt <= event.recordedAt));
    if (wanted.length === 0) return;
    const companyEvents = wanted.filter((event) => isCompanyEvent(event.type));
    // Data events render from their own payload: only contact events need the contact as they left it.
    const contactEvents = wanted.filter((event) => NOTIFYING_EVENTS.has(event.type) && !isCompanyEvent(event.type));
    const [states, companyStates] = await Promise.all([
      contactEvents.length > 0 ? statesAfter(tx, this.store, contactEvents) : new Map<string, ContactState>(),
      companyEvents.length > 0 ? companyStatesAfter(tx, this.store, companyEvents) : new Map<string, CompanyState>(),
    ]);
    const tagged = [
      ...wanted.filter((event) => event.type === 'ContactTagged' || event.type === 'ContactUntagged').map((event) => ({ workspaceId: event.workspaceId, id: String(event.data.tag_id) })),
      ...companyEvents.flatMap((event) => (companyStates.get(event.eventId)?.tag_ids ?? []).map((id) => ({ workspaceId: event.workspaceId, id }))),
    ];
    const tags = await tagNamesOf(tx, tagged);
    const stats = await companyStats(tx, companyEvents);
    const rows: Record<string, unknown>[] = [];
    const queue = (event: StoredEvent, subscriber: Subscriber, topic: string, item: unknown) => {
      rows.push({
        n: rows.length,
        workspace_id: event.workspaceId,
        subscription_id: subscriber.id,
        // The contact it is about, which an erasure scrubs it by; none for a company's notification.
        contact_id: isCompanyEvent(event.type) ? null : contactIdOfStream(event.streamId),
        topic,
        event_id: event.eventId,
        notification_id: `notif_${randomUUID()}`,
        item,
        // The event's own time (the contact's created_at and updated_at come from it), not the commit's.
        occurred_at: (event.data.occurred_at as number | undefined) ?? Math.floor(event.recordedAt.getTime() / 1000),
      });
      enqueued.inc({ topic });
    };
    for (const event of wanted) {
      if (event.type === 'DataEventTracked') {
        for (const subscriber of subscribers.get(event.workspaceId) ?? []) {
          if (!subscriber.topics.has(EVENT_TOPIC) || subscriber.createdAt > event.recordedAt) continue;
          const item = mapped(event, () => dataEventNotification(event, subscriber.eventNames));
          if (item) queue(event, subscriber, EVENT_TOPIC, item);
        }
        continue;
      }
      const tagName = (id: string) => tags.get(`${event.workspaceId}/${id}`) ?? null;
      const notifications = () => {
        if (isCompanyEvent(event.type)) {
          const company = companyStates.get(event.eventId);
          const extras: CompanyExtras = { user_count: 0, last_request_at: null, ...stats.get(`${event.workspaceId}/${event.streamId}`), tagName };
          return company ? companyNotificationsOf(toCompanyEvent(event), company, extras) : [];
        }
        const after = states.get(event.eventId);
        return after ? notificationsOf(toContactEvent(event), after, tagName) : [];
      };
      for (const { topic, item } of mapped(event, notifications)) {
        for (const subscriber of subscribers.get(event.workspaceId) ?? []) {
          if (!subscriber.topics.has(topic) || subscriber.createdAt > event.recordedAt) continue;
          queue(event, subscriber, topic, item);
        }
      }
    }
    if (rows.length > 0) await tx.query({ name: 'webhooks_insert_deliveries', text: INSERT_DELIVERIES, values: [JSON.stringify(rows)] });
  }
}

/** The companies' user_count and last_request_at now, by `workspace/id`: one read for the batch. */
async function companyStats(db: Queryable, events: StoredEvent[]): Promise<Map<string, Omit<CompanyExtras, 'tagName'>>> {
  if (events.length === 0) return new Map();
  const { rows } = await db.query({
    name: 'webhooks_company_stats',
    text: `SELECT w.ws, w.id, coalesce(sum(s.users), 0)::int AS user_count, max(s.last_request_at) AS last_request_at
             FROM unnest($1::text[], $2::text[]) AS w (ws, id)
             LEFT JOIN company_contact_stats s ON s.workspace_id = w.ws AND s.company_id = w.id
            GROUP BY w.ws, w.id`,
    values: [events.map((e) => e.workspaceId), events.map((e) => e.streamId)],
  });
  return new Map(rows.map((row) => [`${row.ws}/${row.id}`, { user_count: row.user_count, last_request_at: row.last_request_at === null ? null : Number(row.last_request_at) }]));
}

async function activeSubscribers(db: Queryable, events: StoredEvent[]): Promise<Map<string, Subscriber[]>> {
  const workspaceIds = [...new Set(events.map((event) => event.workspaceId))];
  const { rows } = await db.query({ name: 'webhooks_active_subscriptions', text: ACTIVE_SUBSCRIPTIONS, values: [workspaceIds] });
  const byWorkspace = new Map<string, Subscriber[]>();
  for (const row of rows) {
    const list = byWorkspace.get(row.workspace_id) ?? [];
    list.push({ id: row.id, topics: new Set(row.topics), eventNames: row.event_names ? new Set(row.event_names) : null, createdAt: row.created_at });
    byWorkspace.set(row.workspace_id, list);
  }
  return byWorkspace;
}

/** A mapping that throws on an event will throw on every retry: poison, parked so that the feed goes on. */
function mapped<T>(event: StoredEvent, map: () => T): T {
  try {
    return map();
  } catch (error) {
    throw new PoisonEventError(`cannot map event ${event.eventId} (${event.type}) to webhook notifications: ${(error as Error).message}`, { cause: error });
  }
}
