import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The answers of requests sent with an Idempotency-Key (see src/idempotency/): one row per workspace and key,
 * claimed before the request runs, marked applied in the statement (or transaction) that writes its events,
 * and given its answer before the answer leaves.
 */
export class IdempotencyKeys1764200001020 implements MigrationInterface {
  name = 'IdempotencyKeys1764200001020';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE idempotency_keys (
        workspace_id text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        owner uuid NOT NULL,
        locked_until timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        applied_at timestamptz,
        stream_id text,
        stream_version bigint,
        answered_at timestamptz,
        status integer,
        content_type text,
        body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, key)
      )`);
    // The sweep takes the oldest expired rows first.
    await db.query('CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at)');
    // Raised inside an append whose request no longer holds its key (another took it over): nothing is written.
    await db.query(`
      CREATE FUNCTION es_require_idempotency_claim(n bigint) RETURNS bigint LANGUAGE plpgsql AS $$
      BEGIN
        IF n = 0 THEN
          RAISE EXCEPTION 'idempotency key no longer held by this request' USING ERRCODE = 'ES410';
        END IF;
        RETURN n;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE idempotency_keys');
    await db.query('DROP FUNCTION es_require_idempotency_claim(bigint)');
  }
}
