import { defineConfig } from 'vitest/config';

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } } as never,
  resolve: { tsconfigPaths: true } as never,
  test: {
    include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts', 'libs/**/*.db-spec.ts', 'apps/**/*.db-spec.ts', 'test/**/*.e2e-spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
