import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EventLog1764200000000 implements MigrationInterface {
  name = 'EventLog1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE es_streams (
        workspace_id text NOT NULL,
        stream_id text NOT NULL,
        stream_type text NOT NULL,
        version bigint NOT NULL CHECK (version >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, stream_id)
      )`);
    await db.query(`CREATE SEQUENCE es_events_global_position_seq AS bigint`);
    await db.query(`
      CREATE TABLE es_events (
        global_position bigint NOT NULL DEFAULT nextval('es_events_global_position_seq'),
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        workspace_id text NOT NULL,
        stream_id text NOT NULL,
        stream_position bigint NOT NULL CHECK (stream_position > 0),
        event_id uuid NOT NULL UNIQUE,
        event_type text NOT NULL,
        schema_version integer NOT NULL DEFAULT 1,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, stream_id, stream_position)
      )`);
    await db.query(`ALTER SEQUENCE es_events_global_position_seq OWNED BY es_events.global_position`);
    // Catch-up readers scan by (transaction_id, global_position): see log-subscription.ts.
    await db.query(`CREATE INDEX es_events_poll_idx ON es_events (transaction_id, global_position)`);
    await db.query(`CREATE INDEX es_events_workspace_poll_idx ON es_events (workspace_id, transaction_id, global_position)`);
    await db.query(`
      CREATE FUNCTION es_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'es_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'restrict_violation';
      END $$`);
    await db.query(`
      CREATE TRIGGER es_events_append_only BEFORE UPDATE OR DELETE ON es_events
      FOR EACH ROW EXECUTE FUNCTION es_events_append_only()`);
    await db.query(`
      CREATE TRIGGER es_events_no_truncate BEFORE TRUNCATE ON es_events
      FOR EACH STATEMENT EXECUTE FUNCTION es_events_append_only()`);
    // Raised inside the append statement so that a stale expected version rolls back every part of it.
    await db.query(`
      CREATE FUNCTION es_require_version(v bigint) RETURNS bigint LANGUAGE plpgsql AS $$
      BEGIN
        IF v IS NULL THEN
          RAISE EXCEPTION 'stream version conflict' USING ERRCODE = 'ES409';
        END IF;
        RETURN v;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE es_events`);
    await db.query(`DROP TABLE es_streams`);
    await db.query(`DROP FUNCTION es_events_append_only()`);
    await db.query(`DROP FUNCTION es_require_version(bigint)`);
  }
}
