import { parseArgs } from 'node:util';
import { rebuildContactProjections } from '@app/contacts';
import { PROCESSOR_STATEMENT_TIMEOUT_MS, PostgresEventStore, createPool, listParked, migrate } from '@app/event-store';
import { WorkspacesService } from '@app/workspaces';
import { MIGRATIONS, loadConfig, resolveDatabase, retryParkedEvents } from '@app/runtime';

const USAGE = `usage:
  npm run cli -- workspace create --name <name> [--admin-name <name>] [--admin-email <email>]
  npm run cli -- admin create --workspace <id> --name <name> --email <email> [--job-title <title>]
  npm run cli -- projections rebuild
  npm run cli -- processors parked
  npm run cli -- processors retry <id>... | --all`;
const COMMANDS = new Set(['workspace create', 'admin create', 'projections rebuild', 'processors parked', 'processors retry']);

/** Runs one CLI command against the configured database and returns what it prints. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      workspace: { type: 'string' },
      email: { type: 'string' },
      'admin-name': { type: 'string' },
      'admin-email': { type: 'string' },
      'job-title': { type: 'string' },
      all: { type: 'boolean' },
    },
  });
  const command = positionals.slice(0, 2).join(' ');
  const ids = positionals.slice(2).map(Number);
  if (!COMMANDS.has(command) || (command !== 'processors retry' && ids.length > 0)) throw new UsageError(USAGE);
  if (command === 'processors retry' && (values.all ? ids.length > 0 : ids.length === 0 || !ids.every(Number.isSafeInteger))) {
    throw new UsageError('processors retry needs the ids of parked events (see processors parked) or --all');
  }
  const config = loadConfig(env);
  const database = await resolveDatabase(config);
  const options = { url: database.url, migrations: MIGRATIONS, poolSize: 2, applicationName: 'contacts-cli' };
  // Not a request: the rebuild's page reads on the pool keep the longer bound of the log processors.
  const cliBounds = { statementTimeoutMs: PROCESSOR_STATEMENT_TIMEOUT_MS };
  const pool = createPool({ ...options, ...cliBounds });
  try {
    await migrate(options);
    if (command === 'projections rebuild') return await rebuildContactProjections(pool, new PostgresEventStore(pool));
    if (command === 'processors parked') return await listParked(pool);
    if (command === 'processors retry') return await retryParkedEvents(pool, config, env, values.all ? 'all' : { ids });
    const workspaces = new WorkspacesService(pool);
    if (command === 'workspace create') {
      if (!values.name) throw new UsageError('workspace create needs --name');
      return await workspaces.create({ name: values.name, adminName: values['admin-name'], adminEmail: values['admin-email'] });
    }
    if (!values.workspace || !values.name || !values.email) throw new UsageError('admin create needs --workspace, --name and --email');
    return await workspaces.createAdmin(values.workspace, { name: values.name, email: values.email, jobTitle: values['job-title'] });
  } finally {
    await pool.end();
    await database.stop();
  }
}

export class UsageError extends Error {}
