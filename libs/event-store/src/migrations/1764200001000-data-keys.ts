import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DataKeys1764200001000 implements MigrationInterface {
  name = 'DataKeys1764200001000';

  async up(db: QueryRunner): Promise<void> {
    // One data key per owner (a contact, with its data-event stream; a company), wrapped by the master key whose id
    // it names (crypto/master-keys.ts). Erasure deletes the key (wrapped_key NULL) and keeps the row as a tombstone,
    // so that nothing is ever encrypted for that owner again and readers know the values are erased, not missing.
    // Unlike es_events this table is mutable: master-key rotation re-wraps rows in place.
    await db.query(`
      CREATE TABLE es_data_keys (
        workspace_id text NOT NULL,
        owner_id text NOT NULL,
        master_key_id text,
        wrapped_key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        erased_at timestamptz,
        PRIMARY KEY (workspace_id, owner_id),
        CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL)),
        CHECK ((wrapped_key IS NULL) = (master_key_id IS NULL))
      )`);
    // Rotation walks the keys still wrapped by an older master key.
    await db.query(`CREATE INDEX es_data_keys_master_idx ON es_data_keys (master_key_id) WHERE wrapped_key IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE es_data_keys');
  }
}
