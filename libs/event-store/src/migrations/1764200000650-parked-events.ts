import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ParkedEvents1764200000650 implements MigrationInterface {
  name = 'ParkedEvents1764200000650';

  async up(db: QueryRunner): Promise<void> {
    // Events a log processor could not handle, set aside so that its feed goes on (see parked-events.ts).
    // A row is written in the processor's transaction with its checkpoint: an event is parked once, never lost.
    // held_behind: the first parked event of the same stream, which this one waits behind to keep per-contact order.
    await db.query(`
      CREATE TABLE es_parked_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        processor text NOT NULL,
        transaction_id xid8 NOT NULL,
        global_position bigint NOT NULL,
        workspace_id text NOT NULL,
        stream_id text NOT NULL,
        stream_position bigint NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        held_behind uuid,
        error text NOT NULL CHECK (length(error) <= 2000),
        attempts integer NOT NULL DEFAULT 1,
        parked_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (processor, event_id)
      )`);
    // The hold check of a batch looks up its streams; a retry walks one stream's parked events in log order.
    await db.query(`CREATE INDEX es_parked_events_stream_idx ON es_parked_events (processor, workspace_id, stream_id, transaction_id, global_position)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE es_parked_events`);
  }
}
