import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type CreatedWorkspace, WorkspacesService } from '@app/workspaces';
import { PG_POOL } from '@app/event-store';
import type pg from 'pg';
import { inject } from 'vitest';
import { loadConfig } from '@app/runtime';
import { createApp } from '../../apps/contacts-api/src/configure-app.js';

export interface TestApp {
  app: NestFastifyApplication;
  /** The listening base URL, for clients that need a real socket (the SDK). */
  baseUrl: string;
  pool: pg.Pool;
  workspaces: WorkspacesService;
  newWorkspace: (name?: string) => Promise<CreatedWorkspace>;
  close: () => Promise<void>;
}

/** Boots the whole API on the test database (or the DATABASE_URL given in env), on a free loopback port; rate limits are off unless `env` sets them. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ LOG_LEVEL: 'silent', WORKERS: 'off', RATE_LIMIT_PER_MINUTE: '0', ...env });
  const app = await createApp({ ...config, databaseUrl: config.databaseUrl ?? inject('databaseUrl') });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const workspaces = app.get(WorkspacesService);
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    pool: app.get(PG_POOL),
    workspaces,
    newWorkspace: (name = 'test') => workspaces.create({ name }),
    close: () => app.close(),
  };
}
