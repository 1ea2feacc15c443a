import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The domain decides; it must not know HTTP, the database or the wire validation (style.md, rule 10).
const FORBIDDEN = /from '(@nestjs\/[^']+|typeorm|pg|class-validator|class-transformer|fastify)'/;

describe('the contacts domain', () => {
  const dir = new URL('.', import.meta.url);
  const files = readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'));

  it.each(files)('%s imports no framework, database or validation library', (name) => {
    const imports = readFileSync(new URL(name, dir), 'utf8').split('\n').filter((line) => FORBIDDEN.test(line));
    expect(imports).toEqual([]);
  });

  it('has files to check', () => {
    expect(files).toContain('contact.aggregate.ts');
  });
});
