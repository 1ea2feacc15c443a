import { describe, expect, it } from 'vitest';
import type { DataType } from '../domain/contact.state.js';
import { compileFilter, compileSegment, namedSegments } from './search-compiler.js';
import { type SavedSearch, type SearchContext, SqlParams } from './search-fields.js';

const segment = (id: string, query: unknown, over: Partial<SavedSearch> = {}): SavedSearch => ({ id, query, personType: 'user', version: 11, ...over });
const single = (field: string, operator: string, value: unknown) => ({ field, operator, value });
const given = (segments: SavedSearch[], attributes: Record<string, DataType> = { plan: 'string' }): SearchContext => ({
  attributes: new Map(Object.entries(attributes)),
  version: 11,
  segments: new Map(segments.map((s) => [s.id, s])),
});

function whenCompiled(query: unknown, context: SearchContext) {
  const params = new SqlParams();
  return { sql: compileFilter(query, context, params, '$ws').sql, values: params.values };
}

const PRO = segment('s1', single('custom_attributes.plan', '=', 'pro'));
// A segment on one stored field stays one: its rows whose role (each row carries its contact's) is the segment's.
const proMembers = (role: string, n: number, key: number) =>
  `c.id IN (SELECT v.contact_id FROM contact_search_values v WHERE v.workspace_id = $ws AND v.field = $${key}::text AND (v.text_value = $${key + 1}::text AND v.role = $${n}::text))`;

describe('search compiler: segment_id inlines the segment', () => {
  it("compiles = to the segment's role and query, bound like any other filter", () => {
    expect(whenCompiled(single('segment_id', '=', 's1'), given([PRO]))).toEqual({ sql: proMembers('user', 1, 2), values: ['user', 'custom_attributes.plan', 'pro'] });
    const leads = segment('s2', PRO.query, { personType: 'contact' });
    expect(whenCompiled(single('segment_id', '=', 's2'), given([leads])).values[0]).toBe('lead');
  });

  it('negates != and NIN (a contact outside the segment matches), and ORs IN', () => {
    const other = segment('s2', single('name', '=', 'ann'));
    expect(whenCompiled(single('segment_id', '!=', 's1'), given([PRO])).sql).toBe(`NOT coalesce(${proMembers('user', 1, 2)}, false)`);
    const any = whenCompiled(single('segment_id', 'IN', ['s1', 's2']), given([PRO, other])).sql;
    expect(any).toMatch(/^\(c\.id IN .* OR c\.id IN .*\)$/);
    expect(whenCompiled(single('segment_id', 'NIN', ['s1', 's2']), given([PRO, other])).sql).toBe(`NOT coalesce(${any}, false)`);
  });

  it('matches nobody for an unknown segment, or one whose query no longer compiles, and keeps no binding of it', () => {
    expect(whenCompiled(single('segment_id', '=', 'gone'), given([PRO]))).toEqual({ sql: 'false', values: [] });
    const query = { operator: 'AND', value: [single('name', '=', 'ann'), single('segment_id', '=', 's1')] };
    const compiled = whenCompiled(query, given([PRO], {}));
    expect(compiled.sql).toMatch(/ AND false\)$/);
    expect(compiled.values).toEqual(['ann']);
  });

  it('reads the query in the version it was written in', () => {
    const phone = segment('s3', single('formatted_phone', '=', '+1555'), { version: 16 });
    expect(whenCompiled(single('segment_id', '=', 's3'), given([phone])).values).toEqual(['user', '+1555']);
    expect(whenCompiled(single('segment_id', '=', 's3'), given([{ ...phone, version: 11 }])).sql).toBe('false');
  });

  it('refuses operators other than = != IN NIN, and values that are not ids', () => {
    for (const [operator, value] of [['~', 's1'], ['=', 7], ['IN', 's1'], ['=', ['s1']]] as const) {
      expect(() => whenCompiled(single('segment_id', operator, value), given([PRO]))).toThrow(expect.objectContaining({ code: 'parameter_invalid' }));
    }
  });

  it('names the segments of a query, nested or listed, before any is read', () => {
    const query = { operator: 'OR', value: [single('segment_id', '=', 'a'), { operator: 'AND', value: [single('segment_id', 'IN', ['b', 'a']), single('name', '=', 'x')] }] };
    expect(namedSegments(query)).toEqual(['a', 'b']);
  });

  it('probes one known contact by primary key when evaluating a segment for it', () => {
    const params = new SqlParams();
    const sql = compileSegment(PRO, given([]), params, '$ws', true);
    expect(sql).toBe(
      `EXISTS (SELECT 1 FROM contact_search_values v WHERE v.workspace_id = $ws AND v.contact_id = c.id AND v.field = $2::text AND (v.text_value = $3::text AND v.role = $1::text))`,
    );
  });

  it('keeps a segment on one stored field a stored match, so it pages and counts from that field alone', () => {
    const params = new SqlParams();
    const compiled = compileFilter(single('segment_id', '=', 's1'), given([PRO]), params, '$ws');
    expect(compiled.stored).toMatchObject({ field: 'custom_attributes.plan', equality: true });
    expect(compiled.stored?.cond).toBe('(v.text_value = $3::text AND v.role = $1::text)');
    const two = segment('s2', { operator: 'AND', value: [single('name', '=', 'ann'), single('custom_attributes.plan', '=', 'pro')] });
    expect(compileFilter(single('segment_id', '=', 's2'), given([two]), new SqlParams(), '$ws').stored).toBeUndefined();
  });
});
