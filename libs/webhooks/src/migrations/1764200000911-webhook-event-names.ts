import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The data events an `event.created` subscription names (Intercom's `metadata.event_names`); null for the others. */
export class WebhookEventNames1764200000911 implements MigrationInterface {
  name = 'WebhookEventNames1764200000911';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE webhook_subscriptions ADD COLUMN event_names jsonb');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE webhook_subscriptions DROP COLUMN event_names');
  }
}
