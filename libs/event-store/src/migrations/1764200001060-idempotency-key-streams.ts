import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keys read per statement of the backfill: each batch holds at most this many stored answers (1 MiB each at most). */
const BACKFILL_BATCH = 500;

/**
 * The streams each idempotency key names: those its request wrote (recorded by the append that marks it applied)
 * and those it decided on without writing (recorded with its answer). An erasure finds a contact's stored answers
 * through this table's primary key instead of reading every answer of the workspace (docs/erasure.md).
 *
 * A side table rather than a `text[]` column with a GIN index: the erasure is a btree range read of exactly the
 * matching rows, with no pending list to scan (a GIN index's fast-update list grows with the writes since its last
 * cleanup, and without it every write pays the GIN insert), and the workspace is in the same index. A row per
 * named stream costs the keyed write one small insert; the rows go with their key (ON DELETE CASCADE).
 */
export class IdempotencyKeyStreams1764200001060 implements MigrationInterface {
  name = 'IdempotencyKeyStreams1764200001060';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE idempotency_key_streams (
        workspace_id text NOT NULL,
        stream_id text NOT NULL,
        key text NOT NULL,
        PRIMARY KEY (workspace_id, stream_id, key),
        FOREIGN KEY (workspace_id, key) REFERENCES idempotency_keys (workspace_id, key) ON DELETE CASCADE
      )`);
    // The cascade from the sweep and the delete of a key claimed again after it expired.
    await db.query('CREATE INDEX idempotency_key_streams_key_idx ON idempotency_key_streams (workspace_id, key)');
    await backfill(db);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE idempotency_key_streams');
  }
}

/**
 * The keys stored before this migration (at most a day of them): the stream their last append wrote, and the ids
 * of the contact objects in their answer (`{"type": "contact", "id": ...}` at any depth: a merge's user, a note's
 * contact, an answer of a change that changed nothing). A body that is not JSON names nothing.
 */
async function backfill(db: QueryRunner): Promise<void> {
  await db.query(`
    CREATE FUNCTION pg_temp.idempotency_answer_json(body text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
    BEGIN
      RETURN body::jsonb;
    EXCEPTION WHEN others THEN
      RETURN NULL;
    END $$`);
  let after = ['', ''];
  for (;;) {
    const rows: { workspace_id: string; key: string }[] = await db.query(
      `WITH batch AS (
         SELECT workspace_id, key, stream_id, body, content_type FROM idempotency_keys
          WHERE (workspace_id, key) > ($1, $2) ORDER BY workspace_id, key LIMIT ${BACKFILL_BATCH}
       ),
       named AS (
         SELECT workspace_id, key, stream_id FROM batch WHERE stream_id IS NOT NULL
         UNION
         SELECT b.workspace_id, b.key, id #>> '{}'
           FROM batch b, jsonb_path_query(pg_temp.idempotency_answer_json(b.body), 'lax $.** ? (@.type == "contact").id') id
          WHERE b.body IS NOT NULL AND b.content_type LIKE 'application/json%' AND jsonb_typeof(id) = 'string' AND length(id #>> '{}') <= 255
       ),
       recorded AS (
         INSERT INTO idempotency_key_streams (workspace_id, stream_id, key) SELECT workspace_id, stream_id, key FROM named ON CONFLICT DO NOTHING
       )
       SELECT workspace_id, key FROM batch ORDER BY workspace_id DESC, key DESC LIMIT 1`,
      after,
    );
    if (rows.length === 0) break;
    after = [rows[0].workspace_id, rows[0].key];
  }
  await db.query('DROP FUNCTION pg_temp.idempotency_answer_json(text)');
}
