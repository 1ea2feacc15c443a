import { describe, expect, it } from 'vitest';
import { JsonTooDeepError, checkJsonDepth } from './json-depth.js';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

describe('checkJsonDepth', () => {
  it('accepts scalars and bodies up to the limit', () => {
    expect(() => checkJsonDepth('x', 1)).not.toThrow();
    expect(() => checkJsonDepth(nested(32), 32)).not.toThrow();
    expect(() => checkJsonDepth({ a: [1, { b: 2 }], c: {} }, 3)).not.toThrow();
  });

  it('refuses one level over the limit, in objects and arrays alike', () => {
    expect(() => checkJsonDepth(nested(33), 32)).toThrow(JsonTooDeepError);
    expect(() => checkJsonDepth({ a: [1, { b: [] }] }, 3)).toThrow(/at most 3 levels/);
  });

  it('answers at once for a body 10,000 levels deep, without a stack overflow', () => {
    const body = JSON.parse(`{"custom_attributes":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    expect(() => checkJsonDepth(body, 32)).toThrow(JsonTooDeepError);
  });
});
