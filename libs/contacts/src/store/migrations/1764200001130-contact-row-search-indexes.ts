import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The text fields whose patterns the contact row's trigram indexes serve, as SQL over `contacts`. */
const ROW_TRIGRAMS = { email: 'email_lower', name: `(state->>'name')`, phone: `(state->>'phone')` } as const;
/** The times whose comparisons the contact row's btree indexes serve. */
const ROW_TIMES = ['last_seen_at', 'signed_up_at', 'updated_at'] as const;

/**
 * Indexes of the contact row itself, for a search that filters on several fields. contact_search_values holds one
 * row per field, so such a search joined one set of contacts per field, and the planner, which has no statistics of
 * a partial index's expression (each field's trigram index is partial), reckoned each pattern at about one row and
 * drove a nested loop from it: `plan = "pro" AND (email ~ OR phone ^) AND last_seen_at >` at 1M contacts took 2 to
 * 6 s and timed out. On one row per contact the planner ANDs and ORs the bitmaps of these indexes before it reads a
 * row (BitmapAnd), and their expressions are not partial, so ANALYZE keeps their statistics: that search's page
 * takes 60 to 170 ms (docs/performance.md, "Ninth round"). The compiler (search/search-compiler.ts, `rowCondition`)
 * writes the same expressions. A search on one field still reads contact_search_values, in the list's order.
 */
export class ContactRowSearchIndexes1764200001130 implements MigrationInterface {
  name = 'ContactRowSearchIndexes1764200001130';

  async up(db: QueryRunner): Promise<void> {
    for (const [field, value] of Object.entries(ROW_TRIGRAMS)) {
      await db.query(`CREATE INDEX contacts_row_${field}_trgm_idx ON contacts USING gin (contact_search_trigram_text(${value}) gin_trgm_ops)`);
    }
    for (const field of ROW_TIMES) {
      await db.query(`CREATE INDEX contacts_row_${field}_idx ON contacts (workspace_id, ${rowNumber(field)})`);
    }
    // Equality on a custom attribute of any type but a date: containment, whose estimate ANALYZE's sample of the
    // expression makes (151,615 for 152,489 `plan = pro` at 1M contacts).
    await db.query(`CREATE INDEX contacts_row_custom_attributes_idx ON contacts USING gin ((coalesce(state->'custom_attributes', '{}'::jsonb)) jsonb_path_ops)`);
    await db.query('ANALYZE contacts');
  }

  async down(db: QueryRunner): Promise<void> {
    for (const field of [...Object.keys(ROW_TRIGRAMS).map((f) => `${f}_trgm`), ...ROW_TIMES, 'custom_attributes']) {
      await db.query(`DROP INDEX contacts_row_${field}_idx`);
    }
  }
}

/** A time of the state as a number, NULL where the state holds none: as contact_search_values_of reads it. */
const rowNumber = (field: string) => `(CASE jsonb_typeof(state->'${field}') WHEN 'number' THEN (state->>'${field}')::numeric END)`;
