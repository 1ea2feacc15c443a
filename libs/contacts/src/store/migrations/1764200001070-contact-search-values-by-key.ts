import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search values a contact's update or deletion removes are deleted by their key, one index lookup each. The
 * triggers joined the changed values to contact_search_values, and the planner, which reckons a contact's values at
 * 116 rows, chose to hash the whole table when it was small: at 3,000 contacts (21,000 values) that join cost 7 to
 * 10 ms of every PUT, against 0.02 ms by key (docs/performance.md, "PUT"). The rows removed and inserted are the same.
 */
export class ContactSearchValuesByKey1764200001070 implements MigrationInterface {
  name = 'ContactSearchValuesByKey1764200001070';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION contact_search_values_update() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE gone record;
      BEGIN
        FOR gone IN ${OLD_CHANGED} LOOP
          DELETE FROM contact_search_values WHERE workspace_id = gone.workspace_id AND contact_id = gone.id AND field = gone.field;
        END LOOP;
        ${INSERT_CHANGED}
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION contact_search_values_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE gone record;
      BEGIN
        FOR gone IN SELECT workspace_id, id FROM old_rows LOOP
          DELETE FROM contact_search_values WHERE workspace_id = gone.workspace_id AND contact_id = gone.id;
        END LOOP;
        RETURN NULL;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION contact_search_values_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM contact_search_values s
         USING (${OLD_CHANGED}) gone
         WHERE s.workspace_id = gone.workspace_id AND s.contact_id = gone.id AND s.field = gone.field;
        ${INSERT_CHANGED}
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION contact_search_values_delete() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM contact_search_values s USING old_rows o WHERE s.workspace_id = o.workspace_id AND s.contact_id = o.id;
        RETURN NULL;
      END $$`);
  }
}

// Both versions of the update trigger, as migration 800 wrote them: the old values that changed or went, and the
// insert of the new values that changed or came.
const OLD_CHANGED = `SELECT o.workspace_id, o.id, v.* FROM old_rows o, contact_search_values_of(o.state) v
        EXCEPT SELECT n.workspace_id, n.id, v.* FROM new_rows n, contact_search_values_of(n.state) v`;
const INSERT_CHANGED = `INSERT INTO contact_search_values
        SELECT n.workspace_id, n.id, v.* FROM new_rows n, contact_search_values_of(n.state) v
        EXCEPT SELECT o.workspace_id, o.id, v.* FROM old_rows o, contact_search_values_of(o.state) v;`;
