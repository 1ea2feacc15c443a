import { parseArgs } from 'node:util';
import { ContactNotFoundError, rebuildContactProjections, segmentOperator } from '@app/contacts';
import { nowInSeconds, parseVersion } from '@app/intercom';
import { PROCESSOR_STATEMENT_TIMEOUT_MS, createPool, listParked, migrate } from '@app/event-store';
import { WorkspacesService } from '@app/workspaces';
import { type AppConfig, MIGRATIONS, contactEraserFor, eventStoreFor, loadConfig, personalDataCodec, resolveDatabase, retryParkedEvents } from '@app/runtime';

const USAGE = `usage:
  npm run cli -- workspace create --name <name> [--admin-name <name>] [--admin-email <email>]
  npm run cli -- admin create --workspace <id> --name <name> --email <email> [--job-title <title>]
  npm run cli -- token create --workspace <id> [--name <label>]
  npm run cli -- token list --workspace <id>
  npm run cli -- token revoke --workspace <id> <token id>
  npm run cli -- client-secret rotate --workspace <id>
  npm run cli -- projections rebuild
  npm run cli -- keys rotate
  npm run cli -- contacts erase --workspace <id> [--admin <admin id>] <contact id>
  npm run cli -- processors parked
  npm run cli -- processors retry <id>... | --all
  npm run cli -- segments create --workspace <id> --name <name> --query '<search query JSON>' [--target contacts|companies] [--person-type user|contact] [--version 2.11]
  npm run cli -- segments list --workspace <id>
  npm run cli -- segments delete --workspace <id> --id <segment id>`;
const COMMANDS = new Set([
  'workspace create', 'admin create', 'token create', 'token list', 'token revoke', 'client-secret rotate', 'projections rebuild', 'keys rotate', 'contacts erase', 'processors parked', 'processors retry', 'segments create', 'segments list', 'segments delete',
]);

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
      id: { type: 'string' },
      query: { type: 'string' },
      'person-type': { type: 'string' },
      target: { type: 'string' },
      version: { type: 'string' },
      admin: { type: 'string' },
    },
  });
  const command = positionals.slice(0, 2).join(' ');
  const erased = command === 'contacts erase' ? positionals.splice(2, 1)[0] : undefined;
  const ids = positionals.slice(2).map(Number);
  const takesIds = command === 'processors retry' || command === 'token revoke';
  if (!COMMANDS.has(command) || (!takesIds && ids.length > 0)) throw new UsageError(USAGE);
  if (command === 'token revoke' && (ids.length !== 1 || !Number.isSafeInteger(ids[0]))) {
    throw new UsageError('token revoke needs --workspace and one token id (see token list)');
  }
  if (command === 'contacts erase' && (!erased || typeof values.workspace !== 'string')) throw new UsageError('contacts erase needs --workspace and a contact id');
  const admin = values.admin === undefined ? null : Number(values.admin);
  if (admin !== null && !(Number.isSafeInteger(admin) && admin > 0)) throw new UsageError('--admin is an admin id');
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
    if (command === 'projections rebuild') return await rebuildContactProjections(pool, eventStoreFor(pool, config));
    // Re-wraps every data key under ENCRYPTION_KEY, unwrapping with ENCRYPTION_PREVIOUS_KEYS; events stay as they are.
    if (command === 'keys rotate') return await personalDataCodec(config)(pool).rotate();
    if (command === 'processors parked') return await listParked(pool);
    if (command === 'processors retry') return await retryParkedEvents(pool, config, env, values.all ? 'all' : { ids });
    const workspaces = new WorkspacesService(pool, { tokenCacheMs: config.tokenCacheMs });
    if (command === 'contacts erase') return await eraseContact(pool, config, workspaces, values.workspace as string, erased!, admin);
    if (command.startsWith('segments ')) return await segments(command, values, pool, workspaces);
    if (command.startsWith('token ') || command === 'client-secret rotate') return await secrets(command, values, ids[0], config, workspaces);
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

/** POST /contacts/{id}/erase by an operator: the same erasure, recorded with actor `system` (and the admin, if named). */
async function eraseContact(pool: Parameters<typeof contactEraserFor>[0], config: AppConfig, workspaces: WorkspacesService, workspaceId: string, contactId: string, admin: number | null) {
  if (!(await workspaces.findWorkspace(workspaceId))) throw new UsageError(`no workspace ${workspaceId}`);
  const metadata = { actor: { type: 'system' as const, id: 'cli:contacts-erase' }, request_id: null };
  try {
    return await contactEraserFor(pool, config).erase(workspaceId, contactId, admin, metadata, nowInSeconds());
  } catch (error) {
    if (error instanceof ContactNotFoundError) throw new UsageError(`no contact ${contactId} in workspace ${workspaceId}`);
    throw error;
  }
}

type Values = Record<string, string | boolean | undefined>;

/** Access tokens and the client secret: a new secret is printed once, and only here. */
async function secrets(command: string, values: Values, tokenId: number | undefined, config: AppConfig, workspaces: WorkspacesService): Promise<unknown> {
  const workspaceId = values.workspace;
  if (typeof workspaceId !== 'string') throw new UsageError(`${command} needs --workspace`);
  if (command === 'token create') return workspaces.createToken(workspaceId, { name: typeof values.name === 'string' ? values.name : undefined });
  if (command === 'token list') return workspaces.listTokens(workspaceId);
  if (command === 'token revoke') return workspaces.revokeToken(workspaceId, tokenId!);
  // Every start of the API sets BOOTSTRAP_CLIENT_SECRET again on BOOTSTRAP_TOKEN's workspace, undoing a rotation.
  if (config.bootstrapToken && config.bootstrapClientSecret && (await workspaces.authenticate(config.bootstrapToken)) === workspaceId) {
    throw new UsageError(`workspace ${workspaceId} takes its client secret from BOOTSTRAP_CLIENT_SECRET at every start: change that variable instead`);
  }
  return workspaces.rotateClientSecret(workspaceId);
}

/** Segments are defined by an operator: the same checks as POST /segment_definitions, the query read in `--version`. */
async function segments(command: string, values: Values, pool: Parameters<typeof segmentOperator>[0], workspaces: WorkspacesService): Promise<unknown> {
  const workspaceId = values.workspace;
  if (typeof workspaceId !== 'string') throw new UsageError(`${command} needs --workspace`);
  if (!(await workspaces.findWorkspace(workspaceId))) throw new UsageError(`no workspace ${workspaceId}`);
  const operator = segmentOperator(pool);
  if (command === 'segments list') return operator.list(workspaceId);
  if (command === 'segments delete') {
    if (typeof values.id !== 'string') throw new UsageError('segments delete needs --id');
    return operator.delete(workspaceId, values.id);
  }
  if (typeof values.name !== 'string' || typeof values.query !== 'string') throw new UsageError('segments create needs --name and --query');
  const personType = values['person-type'] ?? 'user';
  if (personType !== 'user' && personType !== 'contact') throw new UsageError('--person-type is user or contact');
  const target = values.target ?? 'contacts';
  if (target !== 'contacts' && target !== 'companies') throw new UsageError('--target is contacts or companies');
  let query: unknown;
  try {
    query = JSON.parse(values.query);
  } catch {
    throw new UsageError('--query must be JSON: a query of POST /contacts/search, or over company fields (--target companies)');
  }
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new UsageError('--query must be a JSON object');
  const version = parseVersion(typeof values.version === 'string' ? values.version : undefined);
  return operator.create(workspaceId, { name: values.name.trim(), target, personType, query, version });
}
