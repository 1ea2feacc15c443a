import { describe, expect, it } from 'vitest';
import { ByteBudgetCache } from './byte-budget-cache.js';

const sized = (budget: number) => new ByteBudgetCache<string>(budget, (value) => value.length * 2);

describe('ByteBudgetCache', () => {
  it('evicts the least recently used entries once the bytes exceed the budget', () => {
    // Each entry: a 1-character key (2 bytes) and a 9-character value (18 bytes) = 20 bytes.
    const cache = sized(60);
    cache.set('a', 'aaaaaaaaa');
    cache.set('b', 'bbbbbbbbb');
    cache.set('c', 'ccccccccc');
    expect(cache.get('a')).toBe('aaaaaaaaa'); // a is now the most recently used
    cache.set('d', 'ddddddddd');
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual(['aaaaaaaaa', 'ccccccccc', 'ddddddddd']);
    expect(cache.usedBytes).toBe(60);
  });

  it('never keeps a value larger than the whole budget, and replacing a key frees its old bytes', () => {
    const cache = sized(30);
    cache.set('big', 'x'.repeat(20));
    expect(cache.size).toBe(0);
    cache.set('k', 'abc');
    cache.set('k', 'abcdef');
    expect(cache.usedBytes).toBe(2 + 12);
    cache.delete('k');
    expect(cache.usedBytes).toBe(0);
  });

  it('clear forgets every entry and frees the whole budget', () => {
    const cache = sized(40);
    cache.set('a', 'aaaaaaaaa');
    cache.set('b', 'bbbbbbbbb');
    cache.clear();
    expect([cache.size, cache.usedBytes, cache.get('a')]).toEqual([0, 0, undefined]);
    cache.set('c', 'ccccccccc');
    cache.set('d', 'ddddddddd');
    expect([cache.get('c'), cache.get('d')]).toEqual(['ccccccccc', 'ddddddddd']);
  });
});
