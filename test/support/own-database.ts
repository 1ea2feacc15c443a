import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface OwnDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * An empty database of the test's own on the test server, for a test whose data the processes of other test files
 * (which read the whole shared log) must never see: data keys wrapped by a master key only it knows, a migration
 * run on an older schema. Not migrated: startTestApp and the CLI migrate it.
 */
export async function ownDatabase(prefix: string): Promise<OwnDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const server = new URL(inject('databaseUrl'));
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  server.pathname = `/${name}`;
  return {
    url: server.toString(),
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
