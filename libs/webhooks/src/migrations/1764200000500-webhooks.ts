import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1764200000500 implements MigrationInterface {
  name = 'Webhooks1764200000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_subscriptions (
        workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        id text NOT NULL,
        url text NOT NULL,
        topics jsonb NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id)
      )`);
    await db.query(`CREATE INDEX webhook_subscriptions_active_idx ON webhook_subscriptions (workspace_id) WHERE active`);
    // One row per notification and subscription: written by the log processor in its checkpoint's
    // transaction, then sent by the delivery loop. The queue of a subscription is its pending rows by id.
    await db.query(`
      CREATE TABLE webhook_deliveries (
        workspace_id text NOT NULL,
        id bigint GENERATED ALWAYS AS IDENTITY,
        subscription_id text NOT NULL,
        topic text NOT NULL,
        event_id uuid,
        notification_id text NOT NULL,
        item jsonb NOT NULL,
        occurred_at bigint NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'dropped')),
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        next_attempt_at timestamptz DEFAULT now(),
        locked_until timestamptz,
        first_sent_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, id),
        FOREIGN KEY (workspace_id, subscription_id) REFERENCES webhook_subscriptions (workspace_id, id) ON DELETE CASCADE
      )`);
    // A re-read batch (a reset checkpoint, a second processor) cannot notify twice.
    await db.query(`CREATE UNIQUE INDEX webhook_deliveries_once_key ON webhook_deliveries (workspace_id, subscription_id, event_id, topic)`);
    await db.query(`CREATE INDEX webhook_deliveries_queue_idx ON webhook_deliveries (workspace_id, subscription_id, id) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (workspace_id, subscription_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhook_subscriptions`);
  }
}
