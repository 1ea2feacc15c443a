import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The text fields whose patterns get a trigram index of their own; every other text field shares one. */
const TRIGRAM_FIELDS = ['email', 'name', 'phone', 'external_id'] as const;

/**
 * A trigram index per text field instead of one over every value. With one index, a pattern on email also read the
 * trigrams of every name, phone and custom attribute (and `sco` is in Scott the name as in scott@ the email), so a
 * page or a count of `email ~ 'a.sco'` rechecked tens of thousands of rows of other fields; at 1M contacts the count
 * took 2.3 s. Each index is partial on its field, which the compiler names as a literal (custom attributes bind their
 * key, and the planner proves `field = 'custom_attributes.plan'` is none of the listed fields). Avatars stay out.
 */
export class ContactSearchTrigramsByField1764200000810 implements MigrationInterface {
  name = 'ContactSearchTrigramsByField1764200000810';

  async up(db: QueryRunner): Promise<void> {
    for (const field of TRIGRAM_FIELDS) {
      await db.query(`CREATE INDEX contact_search_values_${field}_trgm_idx ON contact_search_values USING gin (text_value gin_trgm_ops) WHERE field = '${field}'`);
    }
    await db.query(`
      CREATE INDEX contact_search_values_other_trgm_idx ON contact_search_values USING gin (text_value gin_trgm_ops)
       WHERE text_value IS NOT NULL AND field NOT IN (${[...TRIGRAM_FIELDS, 'avatar'].map((f) => `'${f}'`).join(', ')})`);
    await db.query('DROP INDEX contact_search_values_trgm_idx');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX contact_search_values_trgm_idx ON contact_search_values USING gin (text_value gin_trgm_ops) WHERE text_value IS NOT NULL`);
    for (const field of [...TRIGRAM_FIELDS, 'other']) await db.query(`DROP INDEX contact_search_values_${field}_trgm_idx`);
  }
}
