import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contact a delivery is about (its stream's contact: a contact event's or a data event's; null for a company's
 * or a ping), so that an erasure finds the contact's deliveries by index and scrubs their payload
 * (notifications/delivery-erasure.ts). Existing rows are filled from the event each names.
 */
export class WebhookDeliveryContacts1764200001050 implements MigrationInterface {
  name = 'WebhookDeliveryContacts1764200001050';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE webhook_deliveries ADD COLUMN contact_id text');
    await db.query(`
      UPDATE webhook_deliveries d
         SET contact_id = CASE s.stream_type WHEN 'contact_events' THEN left(e.stream_id, -length(':events')) ELSE e.stream_id END
        FROM es_events e JOIN es_streams s ON s.workspace_id = e.workspace_id AND s.stream_id = e.stream_id
       WHERE e.event_id = d.event_id AND s.stream_type IN ('contact', 'contact_events')`);
    await db.query('CREATE INDEX webhook_deliveries_contact_idx ON webhook_deliveries (workspace_id, contact_id) WHERE contact_id IS NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX webhook_deliveries_contact_idx');
    await db.query('ALTER TABLE webhook_deliveries DROP COLUMN contact_id');
  }
}
