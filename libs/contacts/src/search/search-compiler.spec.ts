import { describe, expect, it } from 'vitest';
import { CursorInvalidError } from '@app/intercom';
import type { DataType } from '../domain/contact.state.js';
import { compileFilter } from './search-compiler.js';
import { type SearchContext, SqlParams } from './search-fields.js';
import { DEFAULT_SORT, planSort } from './search-sort.js';
import { decodeCursor, encodeCursor } from './search-plan.js';
import { InvalidSortOrderError, SearchQueryInvalidError } from './search.errors.js';

const given = (attributes: Record<string, DataType> = {}, version = 11): SearchContext => ({ attributes: new Map(Object.entries(attributes)), version });
const ATTRIBUTES = given({ plan: 'string', seats: 'integer', score: 'float', vip: 'boolean', renews_on: 'date', paid_at: 'datetime' });

function whenCompiled(query: unknown, context = ATTRIBUTES, rowIndexes = false) {
  const params = new SqlParams();
  return { sql: compileFilter(query, context, params, '$ws', rowIndexes).sql, values: params.values };
}
const thenRejected = (query: unknown, message: RegExp, context = ATTRIBUTES) =>
  expect(() => whenCompiled(query, context)).toThrow(expect.objectContaining({ code: 'parameter_invalid', message: expect.stringMatching(message) }));
const single = (field: string, operator: string, value: unknown) => ({ field, operator, value });

const ids = (key: string, cond: string) => `c.id IN (SELECT v.contact_id FROM contact_search_values v WHERE v.workspace_id = $ws AND v.field = ${key} AND ${cond})`;
const none = (key: string, cond: string) =>
  `NOT EXISTS (SELECT 1 FROM contact_search_values v WHERE v.workspace_id = $ws AND v.contact_id = c.id AND v.field = ${key} AND ${cond})`;

describe('search compiler: values are always bound', () => {
  it('binds a string equality, read from the index on its first 256 characters', () => {
    expect(whenCompiled(single('name', '=', "x' OR 1=1 --"))).toEqual({
      sql: ids("'name'", 'v.text_value = $1::text'),
      values: ["x' OR 1=1 --"],
    });
  });

  it('compares email lower-cased against the lower-cased stored value', () => {
    expect(whenCompiled(single('email', '=', 'Joe@Example.COM')).values).toEqual(['joe@example.com']);
  });

  it('escapes LIKE wildcards and matches case-insensitively', () => {
    expect(whenCompiled(single('name', '~', '50%_off\\'))).toEqual({ sql: ids("'name'", '(v.text_value ILIKE $1::text AND contact_search_trigram_text(v.text_value) ILIKE contact_search_trigram_text($1::text))'), values: ['%50\\%\\_off\\\\%'] });
    expect(whenCompiled(single('email', '^', 'Joe'))).toEqual({ sql: ids("'email'", '(v.text_value LIKE $1::text AND contact_search_trigram_text(v.text_value) LIKE contact_search_trigram_text($1::text))'), values: ['joe%'] });
    expect(whenCompiled(single('email', '$', '.io')).values).toEqual(['%.io']);
  });

  it('lets negative operators match contacts without a value: a probe for a matching value that must find none', () => {
    expect(whenCompiled(single('phone', '!=', '1')).sql).toBe(none("'phone'", 'v.text_value = $1::text'));
    expect(whenCompiled(single('phone', '!~', '1')).sql).toBe(none("'phone'", '(v.text_value ILIKE $1::text AND contact_search_trigram_text(v.text_value) ILIKE contact_search_trigram_text($1::text))'));
    expect(whenCompiled(single('phone', 'NIN', ['1'])).sql).toBe(none("'phone'", 'v.text_value = ANY($1::text[])'));
    expect(whenCompiled(single('custom_attributes.seats', '!=', 3)).sql).toBe(none('$1::text', 'v.number_value = $2::numeric'));
  });

  it('binds a custom attribute name as the stored key, never in the statement', () => {
    const context = given({ "x'); DROP TABLE contacts; --": 'string' });
    const { sql, values } = whenCompiled(single("custom_attributes.x'); DROP TABLE contacts; --", '=', 'a'), context);
    expect(sql).toBe(ids('$1::text', 'v.text_value = $2::text'));
    expect(values).toEqual(["custom_attributes.x'); DROP TABLE contacts; --", 'a']);
    expect(whenCompiled(single('custom_attributes.seats', '>', 3)).sql).not.toContain('seats');
  });

  it('compiles numbers, booleans and IN to their typed column', () => {
    expect(whenCompiled(single('custom_attributes.seats', 'IN', [1, '2']))).toEqual({
      sql: ids('$1::text', 'v.number_value = ANY($2::numeric[])'),
      values: ['custom_attributes.seats', [1, 2]],
    });
    expect(whenCompiled(single('custom_attributes.vip', '=', 'true')).sql).toBe(ids('$1::text', 'v.boolean_value = $2::boolean'));
    expect(whenCompiled(single('owner_id', '>=', 7)).sql).toBe(ids("'owner_id'", 'v.number_value >= $1::numeric'));
  });

  it('matches null values with = and != on the typed column', () => {
    expect(whenCompiled(single('name', '=', null)).sql).toBe(none("'name'", 'v.text_value IS NOT NULL'));
    expect(whenCompiled(single('custom_attributes.plan', '!=', null)).sql).toBe(ids('$1::text', 'v.text_value IS NOT NULL'));
    thenRejected(single('name', '~', null), /null value only works with = and !=/);
  });

  it('compiles tag_id to the rows keyed by the tag', () => {
    expect(whenCompiled(single('tag_id', '=', 7))).toEqual({ sql: ids('$1::text', 'v.boolean_value'), values: ['tag_id:7'] });
    expect(whenCompiled(single('tag_id', '!=', '7')).sql).toBe(none('$1::text', 'v.boolean_value'));
  });

  it('folds fields without a source to constants', () => {
    expect(whenCompiled(single('browser', '=', 'x')).sql).toBe('NULL::text = $1::text');
  });
});

describe('search compiler: dates match by calendar day (UTC)', () => {
  const day = 1577836800; // 2020-01-01T00:00:00Z
  const nineAm = day + 9 * 3600;

  it('= covers the whole day', () => {
    expect(whenCompiled(single('created_at', '=', nineAm))).toEqual({ sql: '(c.created_at >= $2::bigint AND c.created_at < $1::bigint)', values: [day + 86400, day] });
  });

  it('> starts at the next day and < ends before the day', () => {
    expect(whenCompiled(single('created_at', '>', nineAm))).toEqual({ sql: 'c.created_at >= $1::bigint', values: [day + 86400] });
    expect(whenCompiled(single('created_at', '<', String(nineAm)))).toEqual({ sql: 'c.created_at < $1::bigint', values: [day] });
  });

  it('applies to date custom attributes too', () => {
    expect(whenCompiled(single('custom_attributes.renews_on', '>', nineAm))).toEqual({
      sql: ids('$1::text', 'v.number_value >= $2::numeric'),
      values: ['custom_attributes.renews_on', day + 86400],
    });
  });
});

describe('search compiler: operators by type', () => {
  const fieldsByType: Record<string, string[]> = {
    String: ['id', 'role', 'name', 'email', 'email_domain', 'external_id', 'location.city', 'custom_attributes.plan'],
    Boolean: ['unsubscribed_from_emails', 'has_hard_bounced', 'custom_attributes.vip'],
    Integer: ['owner_id', 'custom_attributes.seats', 'custom_attributes.score'],
    Date: ['created_at', 'updated_at', 'last_replied_at', 'ios_last_seen_at', 'custom_attributes.renews_on', 'custom_attributes.paid_at'],
    tag_id: ['tag_id'],
    // A segment is matched, not spelled: patterns on its id mean nothing (search-segments.spec.ts).
    segment_id: ['segment_id'],
  };
  const allowed: Record<string, string[]> = {
    String: ['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$'],
    Boolean: ['=', '!=', 'IN', 'NIN'],
    Integer: ['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>='],
    Date: ['=', '<', '>'],
    tag_id: ['=', '!='],
    segment_id: ['=', '!=', 'IN', 'NIN'],
  };
  const sample: Record<string, unknown> = { String: 'lead', Boolean: true, Integer: 3, Date: 1577836800, tag_id: '7', segment_id: 's1' };
  const everyOperator = ['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>=', '~', '!~', '^', '$'];

  const valueFor = (type: string, operator: string) => (operator === 'IN' || operator === 'NIN' ? [sample[type]] : sample[type]);

  for (const [type, fields] of Object.entries(fieldsByType)) {
    it(`accepts ${allowed[type].join(' ')} on ${type} fields`, () => {
      for (const field of fields) {
        for (const operator of allowed[type]) expect(whenCompiled(single(field, operator, valueFor(type, operator))).sql).toBeTypeOf('string');
      }
    });

    it(`rejects every other operator on ${type} fields`, () => {
      for (const field of fields) {
        for (const operator of everyOperator.filter((op) => !allowed[type].includes(op))) {
          thenRejected(single(field, operator, valueFor(type, operator)), new RegExp(`Operator '\\${operator}' is not allowed on ${field.replace('.', '\\.')} \\(`));
        }
      }
    });
  }

  it('checks value types', () => {
    thenRejected(single('created_at', '>', 'yesterday'), /Unix timestamp/);
    thenRejected(single('owner_id', '=', 1.5), /an integer/);
    thenRejected(single('custom_attributes.vip', '=', 'yes'), /true or false/);
    thenRejected(single('name', '=', true), /a string/);
    thenRejected(single('role', '=', 'admin'), /one of user, lead/);
    thenRejected(single('email', 'IN', 'a@b.io'), /needs an array/);
    thenRejected(single('email', 'IN', ['a@b.io', 3, false]), /a string/);
    thenRejected(single('email', '=', undefined), /needs a value/);
    expect(whenCompiled(single('custom_attributes.score', '>=', '1.5')).values).toEqual(['custom_attributes.score', 1.5]);
  });

  it('rejects unknown fields, unknown custom attributes and unknown operators', () => {
    thenRejected(single('favourite_colour', '=', 'x'), /'favourite_colour' is not a searchable contact field/);
    thenRejected(single('custom_attributes.nope', '=', 'x'), /Custom attribute 'nope' does not exist/);
    thenRejected(single('name', 'LIKE', 'x'), /'LIKE' is not a search operator/);
    thenRejected('name = x', /must be an object/);
  });

  it('reads owner_id as a string and knows formatted_phone on 2.16', () => {
    expect(whenCompiled(single('owner_id', '~', '12'), given({}, 16)).sql).toBe(ids("'owner_id'", '(v.text_value ILIKE $1::text AND contact_search_trigram_text(v.text_value) ILIKE contact_search_trigram_text($1::text))'));
    expect(whenCompiled(single('formatted_phone', '=', '+1'), given({}, 16)).sql).toContain("v.field = 'phone'");
    thenRejected(single('formatted_phone', '=', '+1'), /not a searchable/);
  });
});

describe('search compiler: AND / OR', () => {
  const leaf = single('role', '=', 'user');
  const group = (operator: string, value: unknown[]) => ({ operator, value });

  const role = (n: number) => `v.text_value = $${n}::text`;

  it('nests two levels: (1 OR 2) AND (3 OR 4); filters on one field merge into one index range, others union', () => {
    const { sql, values } = whenCompiled(group('AND', [group('OR', [leaf, leaf]), group('OR', [leaf, single('name', '^', 'a')])]));
    const union = `c.id IN (SELECT v.contact_id FROM contact_search_values v WHERE v.workspace_id = $ws AND v.field = 'role' AND ${role(3)} UNION ALL ` +
      `SELECT v.contact_id FROM contact_search_values v WHERE v.workspace_id = $ws AND v.field = 'name' AND (v.text_value ILIKE $4::text AND contact_search_trigram_text(v.text_value) ILIKE contact_search_trigram_text($4::text)))`;
    expect(sql).toBe(`(${ids("'role'", `(${role(1)} OR ${role(2)})`)} AND ${union})`);
    expect(values).toEqual(['user', 'user', 'user', 'a%']);
  });

  it('puts on the contact row, in a large workspace, what its indexes serve of a filter on several fields: patterns, times, custom attribute equality', () => {
    const { sql, values } = whenCompiled(group('AND', [
      single('custom_attributes.plan', '=', 'pro'),
      group('OR', [single('email', '~', 'Ann'), single('phone', '^', '+1415')]),
      single('last_seen_at', '>', 86_400),
      single('email', '=', 'a@b.co'),
    ]), ATTRIBUTES, true);
    const email = `(c.email_lower LIKE $2::text AND contact_search_trigram_text(c.email_lower) LIKE contact_search_trigram_text($2::text))`;
    const phone = `((c.state->>'phone') ILIKE $3::text AND contact_search_trigram_text((c.state->>'phone')) ILIKE contact_search_trigram_text($3::text))`;
    const seen = `(CASE jsonb_typeof(c.state->'last_seen_at') WHEN 'number' THEN (c.state->>'last_seen_at')::numeric END) >= $4::numeric`;
    const plan = `coalesce(c.state->'custom_attributes', '{}'::jsonb) @> $1::jsonb`;
    // Equality on email has no row index of its own: it stays the rows of contact_search_values.
    expect(sql).toBe(`(${plan} AND (${email} OR ${phone}) AND ${seen} AND ${ids("'email'", 'v.text_value = $5::text')})`);
    expect(values).toEqual(['{"plan":"pro"}', '%ann%', '+1415%', 172_800, 'a@b.co']);
    // In a smaller workspace the same filter stays on the rows of contact_search_values.
    expect(whenCompiled(group('AND', [single('name', '~', 'bo'), leaf]), ATTRIBUTES, true).sql).toMatch(/^\(\(\(c\.state->>'name'\) ILIKE/);
    expect(whenCompiled(group('AND', [single('name', '~', 'bo'), leaf])).sql).toMatch(/^\(c\.id IN \(SELECT v\.contact_id FROM contact_search_values v .* 'name'/);
  });

  it('keeps a filter on one field, or a negative one, on contact_search_values in a large workspace too', () => {
    expect(whenCompiled(single('email', '~', 'ann'), ATTRIBUTES, true).sql).toMatch(/^c\.id IN \(SELECT v\.contact_id FROM contact_search_values v/);
    const { sql } = whenCompiled(group('AND', [single('email', '!~', 'ann'), single('name', '~', 'bo')]), ATTRIBUTES, true);
    expect(sql).toMatch(/^\(NOT EXISTS \(SELECT 1 FROM contact_search_values v .* AND \(\(c\.state->>'name'\) ILIKE/);
  });

  it('keeps a group with a negative or unstored filter a plain boolean', () => {
    const { sql } = whenCompiled(group('OR', [leaf, single('created_at', '<', 1577836800), single('name', '!=', 'x')]));
    expect(sql).toMatch(/^\(c\.id IN \(.*\) OR c\.created_at < \$2::bigint OR NOT EXISTS \(.*\)\)$/);
  });

  it('rejects a third level', () => {
    thenRejected(group('AND', [group('OR', [group('AND', [leaf])])]), /nested at most 2 levels/);
  });

  it('allows 15 filters per group and rejects 16', () => {
    expect(whenCompiled(group('OR', Array(15).fill(leaf))).values).toHaveLength(15);
    thenRejected(group('OR', Array(16).fill(leaf)), /at most 15 filters, got 16/);
  });

  it('rejects an empty group or one whose value is not an array', () => {
    thenRejected(group('AND', []), /non-empty array/);
    thenRejected(group('OR', leaf as never), /non-empty array/);
  });
});

describe('sort and cursor', () => {
  it('defaults to created_at then id, ascending', () => {
    expect(planSort(undefined, ATTRIBUTES, new SqlParams())).toBe(DEFAULT_SORT);
  });

  it('defaults the order to descending and rejects other orders with invalid_sort_order', () => {
    expect(planSort({ field: 'created_at' }, ATTRIBUTES, new SqlParams())).toMatchObject({ tag: 'created_at:desc', direction: 'desc' });
    expect(() => planSort({ field: 'created_at', order: 'desc' }, ATTRIBUTES, new SqlParams())).toThrow(InvalidSortOrderError);
    expect(() => planSort({ field: 'created_at', order: 'desc' }, ATTRIBUTES, new SqlParams())).toThrow(
      "Invalid sort order 'desc'. Must be one of: ascending, descending",
    );
  });

  it('sorts a nullable field on (has a value, value) so the keyset can step over nulls', () => {
    const params = new SqlParams();
    expect(planSort({ field: 'custom_attributes.seats', order: 'ascending' }, ATTRIBUTES, params).keys.map((k) => k.type)).toEqual(['boolean', 'numeric']);
    expect(params.values).toEqual(['seats']);
    expect(() => planSort({ field: 'tag_id' }, ATTRIBUTES, new SqlParams())).toThrow(SearchQueryInvalidError);
  });

  it('round-trips a cursor and refuses a tampered one or one from another order', () => {
    const sort = planSort({ field: 'name', order: 'ascending' }, ATTRIBUTES, new SqlParams());
    const cursor = encodeCursor(sort, { page: 3, keys: [true, 'Ann'], id: 'c1' });
    expect(decodeCursor(cursor, sort)).toEqual({ page: 3, keys: [true, 'Ann'], id: 'c1' });
    expect(() => decodeCursor(cursor, DEFAULT_SORT)).toThrow(CursorInvalidError);
    expect(() => decodeCursor(encodeCursor(sort, { page: 3, keys: [1, 'Ann'], id: 'c1' }), sort)).toThrow(CursorInvalidError);
    expect(() => decodeCursor('not a cursor!', sort)).toThrow(CursorInvalidError);
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'), sort)).toThrow(CursorInvalidError);
  });

  it("carries a search's total only to the same search, and refuses a total that is not a non-negative safe integer", () => {
    const key = 'AAAAAAAAAAAAAAAA';
    const carrying = encodeCursor(DEFAULT_SORT, { page: 2, keys: [1700000000], id: 'c1', total: 42, countKey: key });
    expect(decodeCursor(carrying, DEFAULT_SORT, key)).toEqual({ page: 2, keys: [1700000000], id: 'c1', total: 42 });
    expect(decodeCursor(carrying, DEFAULT_SORT, 'BBBBBBBBBBBBBBBB').total).toBeUndefined();
    expect(decodeCursor(carrying, DEFAULT_SORT).total).toBeUndefined();
    for (const total of [-1, 0.5, 2 ** 53, '42', null]) {
      const forged = Buffer.from(JSON.stringify([DEFAULT_SORT.tag, 2, [1700000000], 'c1', total, key])).toString('base64url');
      expect(() => decodeCursor(forged, DEFAULT_SORT, key), String(total)).toThrow(CursorInvalidError);
    }
    const badKey = Buffer.from(JSON.stringify([DEFAULT_SORT.tag, 2, [1700000000], 'c1', 42, 'short'])).toString('base64url');
    expect(() => decodeCursor(badKey, DEFAULT_SORT, key)).toThrow(CursorInvalidError);
  });
});

describe('search compiler: limits', () => {
  const list = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

  it('takes values up to 2048 characters and patterns up to 255, and refuses one more without echoing it', () => {
    expect(whenCompiled(single('avatar', '=', 'x'.repeat(2048))).values).toEqual(['x'.repeat(2048)]);
    expect(whenCompiled(single('name', '~', 'x'.repeat(255))).values).toEqual([`%${'x'.repeat(255)}%`]);
    thenRejected(single('avatar', '=', 'x'.repeat(2049)), /^The value for avatar = can be at most 2048 characters, got 2049$/);
    for (const operator of ['~', '!~', '^', '$']) {
      thenRejected(single('name', operator, 'x'.repeat(256)), new RegExp(`^The pattern for name \\${operator} can be at most 255 characters, got 256$`));
    }
    thenRejected(single('email', '~', 'x'.repeat(1024 * 1024)), /at most 255 characters, got 1048576/);
    thenRejected(single('custom_attributes.plan', 'IN', ['x'.repeat(2049)]), /at most 2048 characters/);
  });

  it('takes 1000 IN/NIN values in one query, counted across its lists, and refuses one more', () => {
    expect(whenCompiled(single('name', 'IN', list(1000))).values[0]).toHaveLength(1000);
    thenRejected(single('name', 'NIN', list(1001)), /^The IN and NIN lists of a query can hold at most 1000 values together, got 1001$/);
    const split = { operator: 'OR', value: [single('name', 'IN', list(500)), { operator: 'AND', value: [single('phone', 'NIN', list(501))] }] };
    thenRejected(split, /got 1001/);
    thenRejected(single('name', 'IN', list(100_000)), /got 100000/);
  });

  it('refuses a field name longer than any field without echoing it', () => {
    thenRejected(single(`custom_attributes.${'a'.repeat(191)}`, '=', 'x'), /^A field name can be at most 208 characters, got 209$/);
  });
});
