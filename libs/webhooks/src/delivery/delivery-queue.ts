import type pg from 'pg';
import type { AttemptResult, NextStep } from './delivery-policy.js';

/** A delivery taken for one attempt, with what its request needs. */
export interface ClaimedDelivery {
  workspace_id: string;
  id: number;
  subscription_id: string;
  url: string;
  topic: string;
  notification_id: string;
  item: Record<string, unknown>;
  occurred_at: number;
  attempts: number;
  /** Unix seconds: set on the first attempt, kept on retries. */
  first_sent_at: number;
  created_at: Date;
}

// The head of each active subscription's queue (its oldest pending row, found through the partial
// index), if it is due and not taken. Only heads are ever claimed, so a subscription's deliveries
// go out one at a time and in order, and a slow head holds back nothing but its own queue.
// SKIP LOCKED lets replicas claim side by side; the outer WHERE is re-checked against the latest
// row version, so a head another replica took or finished since this statement's snapshot is skipped.
const CLAIM = `
  WITH heads AS (
    SELECT h.workspace_id, h.id FROM webhook_subscriptions s
     CROSS JOIN LATERAL (
       SELECT d.workspace_id, d.id, d.next_attempt_at, d.locked_until FROM webhook_deliveries d
        WHERE d.workspace_id = s.workspace_id AND d.subscription_id = s.id AND d.status = 'pending'
        ORDER BY d.id LIMIT 1
     ) h
     WHERE s.active AND h.next_attempt_at <= now() AND (h.locked_until IS NULL OR h.locked_until <= now())
     ORDER BY h.next_attempt_at LIMIT $1
  ), free AS (
    SELECT d.workspace_id, d.id FROM webhook_deliveries d JOIN heads USING (workspace_id, id) FOR UPDATE OF d SKIP LOCKED
  )
  UPDATE webhook_deliveries d
     SET locked_until = now() + make_interval(secs => $2::float8 / 1000), first_sent_at = coalesce(d.first_sent_at, now())
    FROM free, webhook_subscriptions s
   WHERE d.workspace_id = free.workspace_id AND d.id = free.id
     AND s.workspace_id = d.workspace_id AND s.id = d.subscription_id AND s.active
     AND d.status = 'pending' AND (d.locked_until IS NULL OR d.locked_until <= now())
  RETURNING d.workspace_id, d.id, d.subscription_id, s.url, d.topic, d.notification_id, d.item, d.occurred_at, d.attempts,
            floor(extract(epoch FROM d.first_sent_at))::bigint AS first_sent_at, d.created_at`;

// Fenced on the attempt count: a stale claimer (whose lock ran out while it waited) changes nothing.
const RECORD = `
  UPDATE webhook_deliveries
     SET attempts = attempts + 1, last_status_code = $4, last_error = $5, status = $6, locked_until = NULL,
         next_attempt_at = CASE WHEN $6 = 'pending' THEN now() + make_interval(secs => $7::float8 / 1000) END,
         delivered_at = CASE WHEN $6 = 'delivered' THEN now() END
   WHERE workspace_id = $1 AND id = $2 AND attempts = $3 AND status = 'pending'`;

const DISABLE = `UPDATE webhook_subscriptions SET active = false, updated_at = now() WHERE workspace_id = $1 AND id = $2`;

const DROP_QUEUE = `
  UPDATE webhook_deliveries
     SET status = 'dropped', next_attempt_at = NULL, locked_until = NULL,
         attempts = attempts + CASE WHEN id = $3 THEN 1 ELSE 0 END,
         last_status_code = CASE WHEN id = $3 THEN $4 ELSE last_status_code END,
         last_error = CASE WHEN id = $3 THEN $5 ELSE 'subscription disabled' END
   WHERE workspace_id = $1 AND subscription_id = $2 AND status = 'pending'`;

const STATUS_OF: Record<Exclude<NextStep['kind'], 'gone'>, string> = { delivered: 'delivered', retry: 'pending', failed: 'failed', dropped: 'dropped' };

export class DeliveryQueue {
  constructor(private readonly pool: pg.Pool) {}

  /** Takes up to `limit` due heads for `lockMs`, after which an unfinished attempt may be taken again. */
  async claim(limit: number, lockMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.pool.query({ name: 'webhooks_claim', text: CLAIM, values: [limit, lockMs] });
    return rows;
  }

  async record(delivery: ClaimedDelivery, result: AttemptResult, step: NextStep): Promise<void> {
    if (step.kind === 'gone') return this.disable(delivery, result);
    const delayMs = step.kind === 'retry' ? step.delayMs : 0;
    await this.pool.query({
      name: 'webhooks_record_attempt',
      text: RECORD,
      values: [delivery.workspace_id, delivery.id, delivery.attempts, result.statusCode, result.error, STATUS_OF[step.kind], delayMs],
    });
  }

  /** 410: the subscription stops, and what it still had queued is dropped with it. */
  private async disable(delivery: ClaimedDelivery, result: AttemptResult): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Two statements: the second one's snapshot must include rows a notifier batch committed while the first waited for it.
      await client.query(DISABLE, [delivery.workspace_id, delivery.subscription_id]);
      await client.query(DROP_QUEUE, [delivery.workspace_id, delivery.subscription_id, delivery.id, result.statusCode, result.error]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
