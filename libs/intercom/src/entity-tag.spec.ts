import { describe, expect, it } from 'vitest';
import { MAX_LISTED_TAGS, allows, entityTag, ifMatchVersions, noneMatchSatisfied } from './entity-tag.js';

describe('entity tags', () => {
  it('name the stream version and the answering version, and a digest when given', () => {
    expect(entityTag(7, 11)).toBe('"7-2.11"');
    expect(entityTag(7, 16, 'abc')).toBe('"7-2.16-abc"');
  });

  it('If-Match: absent or * allows any version; a list allows the versions of its strong tags only', () => {
    expect(ifMatchVersions(undefined)).toBeNull();
    expect(ifMatchVersions(' * ')).toBeNull();
    expect([...ifMatchVersions('"3-2.11", W/"4-2.11", "5-2.16-xyz", "junk", nonsense')!]).toEqual([3, 5]);
    expect(allows(ifMatchVersions('"3-2.11"'), 3)).toBe(true);
    expect(allows(ifMatchVersions('"3-2.11"'), 4)).toBe(false);
    expect(allows(ifMatchVersions('W/"3-2.11"'), 3)).toBe(false);
    expect(allows(null, 42)).toBe(true);
  });

  it('If-None-Match: weak comparison against the current tag, * matches anything', () => {
    expect(noneMatchSatisfied(undefined, '"3-2.11"')).toBe(true);
    expect(noneMatchSatisfied('"3-2.11"', '"3-2.11"')).toBe(false);
    expect(noneMatchSatisfied('W/"3-2.11"', '"3-2.11"')).toBe(false);
    expect(noneMatchSatisfied('"2-2.11", "3-2.16"', '"3-2.11"')).toBe(true);
    expect(noneMatchSatisfied('*', '"3-2.11"')).toBe(false);
  });

  it('refuses a list longer than the limit', () => {
    const list = Array.from({ length: MAX_LISTED_TAGS + 1 }, (_, i) => `"${i}-2.11"`).join(',');
    expect(() => ifMatchVersions(list)).toThrow(/at most 16/);
    expect(() => noneMatchSatisfied(list, '"1-2.11"')).toThrow(/at most 16/);
  });
});
