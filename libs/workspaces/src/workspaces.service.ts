import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, inLockedTransaction } from '@app/event-store';
import type pg from 'pg';
import { ByteBudgetCache, LIMITS, ParameterInvalidError, ResourceNotFoundError } from '@app/intercom';
import { WORKSPACES_OPTIONS, type WorkspacesOptions } from './workspaces.options.js';

export interface Admin {
  id: number;
  workspace_id: string;
  name: string;
  email: string;
  job_title: string | null;
}

export interface CreatedWorkspace {
  workspace_id: string;
  name: string;
  access_token: string;
  client_secret: string;
  admin: Admin;
}

/** An access token as `token list` shows it: never the token, only its last 4 characters. */
export interface AccessTokenInfo {
  id: number;
  workspace_id: string;
  name: string | null;
  /** Null for tokens made before tokens had ids (only their hash was ever kept). */
  last4: string | null;
  created_at: number;
  revoked_at: number | null;
}

/** A token just made: the only time the token itself is shown. */
export interface CreatedAccessToken extends AccessTokenInfo {
  access_token: string;
}

export class AdminEmailTakenError extends ParameterInvalidError {
  constructor(email: string) {
    super(`An admin with email ${email} already exists in this workspace`);
  }
}

/** GET /admins answers every admin of the workspace in one list, and each decision holds their ids. */
export class AdminLimitError extends ParameterInvalidError {
  constructor() {
    super(`A workspace can have at most ${LIMITS.adminsPerWorkspace} admins`, 'email');
  }
}

/** The tokens that open a workspace are bounded, so `token list` stays short and a leak is easy to survey. */
export class AccessTokenLimitError extends ParameterInvalidError {
  constructor() {
    super(`A workspace can have at most ${LIMITS.accessTokensPerWorkspace} active access tokens: revoke one first`);
  }
}

export class AccessTokenNotFoundError extends ResourceNotFoundError {
  constructor(workspaceId: string, id: number) {
    super(`Access token ${id} not found in workspace ${workspaceId}`);
  }
}

export class WorkspaceNotFoundError extends ResourceNotFoundError {
  constructor(id: string) {
    super(`Workspace ${id} not found`);
  }
}

// A token found valid skips the database for WorkspacesOptions.tokenCacheMs (TOKEN_CACHE_MS): a token revoked
// meanwhile (by the CLI, in another process) still opens this process's requests until its entry runs out.
// A refused token is refused again without a query for this long, so a flood of bad tokens is not a query each.
// A token created meanwhile by this process is forgotten at once; one created by another replica waits this long.
export const REFUSED_TOKEN_MS = 5_000;
// Both caches are bounded by bytes, and apart: distinct bad tokens, however many, never push a valid one out.
// Valid tokens are keyed by the token itself, as the request that carries it holds it: a request with a known token
// then costs one map lookup, not a sha256 (2.7% of GET's CPU, issue 12). Refused tokens are keyed by their hash, so
// that a stream of bad tokens never leaves their text in memory. An entry is a key of up to 256 characters (512 bytes)
// and a record of at most 120 bytes: some 6,600 valid tokens at the longest (16,000 of the 47 characters this
// service issues), and 4,200 refused ones (a 64-character hash key each).
const TOKEN_CACHE_BYTES = 4 * 1024 * 1024;
const REFUSED_CACHE_BYTES = 1024 * 1024;
const ENTRY_BYTES = 120;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newSecret = (bytes: number) => randomBytes(bytes).toString('base64url');
const newWorkspaceId = () => randomBytes(6).toString('hex').slice(0, 8);
const newAccessToken = () => `tok_${newSecret(32)}`;

/** Who a valid token acts for: its workspace, and a short prefix of its hash (never of the token) naming the actor of events. */
export interface TokenIdentity {
  workspaceId: string;
  tokenRef: string;
}

@Injectable()
export class WorkspacesService {
  private readonly tokenCache = new ByteBudgetCache<{ identity: TokenIdentity; until: number }>(TOKEN_CACHE_BYTES, () => ENTRY_BYTES);
  private readonly refusedTokens = new ByteBudgetCache<number>(REFUSED_CACHE_BYTES, () => ENTRY_BYTES);

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(WORKSPACES_OPTIONS) private readonly options: WorkspacesOptions,
  ) {}

  /** A workspace comes with its first admin, a fresh access token and a client secret. */
  async create(input: {
    name: string;
    adminName?: string;
    adminEmail?: string;
    token?: string;
    tokenName?: string;
    clientSecret?: string;
  }): Promise<CreatedWorkspace> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const id = newWorkspaceId();
      const accessToken = input.token ?? newAccessToken();
      const clientSecret = input.clientSecret ?? newSecret(24);
      await client.query('INSERT INTO workspaces (id, name, client_secret) VALUES ($1, $2, $3)', [id, input.name, clientSecret]);
      await insertToken(client, id, accessToken, input.tokenName ?? null);
      const admin = await insertAdmin(client, id, input.adminName ?? `${input.name} admin`, input.adminEmail ?? `admin@${id}.example`);
      await client.query(`INSERT INTO subscription_types (workspace_id, name, description) VALUES ($1, 'Newsletters', 'Product updates and news')`, [id]);
      await client.query('COMMIT');
      this.refusedTokens.delete(hashToken(accessToken));
      return { workspace_id: id, name: input.name, access_token: accessToken, client_secret: clientSecret, admin };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async createAdmin(workspaceId: string, input: { name: string; email: string; jobTitle?: string }): Promise<Admin> {
    await this.requireWorkspace(workspaceId);
    // Counted under a per-workspace lock, so two CLIs cannot pass the limit together; the count reads at most the limit.
    return inLockedTransaction(this.pool, `admins:${workspaceId}`, async (client) => {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM admins WHERE workspace_id = $1', [workspaceId]);
      if (rows[0].n >= LIMITS.adminsPerWorkspace) throw new AdminLimitError();
      return insertAdmin(client, workspaceId, input.name, input.email, input.jobTitle);
    });
  }

  /** Every admin of the workspace, by id: at most LIMITS.adminsPerWorkspace. */
  async listAdmins(workspaceId: string): Promise<Admin[]> {
    const result = await this.pool.query(`SELECT ${ADMIN_COLUMNS} FROM admins WHERE workspace_id = $1 ORDER BY id`, [workspaceId]);
    return result.rows;
  }

  /** The workspace's first admin: the one its access token acts for. */
  async firstAdmin(workspaceId: string): Promise<Admin | null> {
    const result = await this.pool.query(FIRST_ADMIN, [workspaceId]);
    return result.rows[0] ?? null;
  }

  async findAdmin(workspaceId: string, id: number): Promise<Admin | null> {
    const result = await this.pool.query(`SELECT ${ADMIN_COLUMNS} FROM admins WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    return result.rows[0] ?? null;
  }

  async findWorkspace(id: string): Promise<{ id: string; name: string; created_at: number } | null> {
    const result = await this.pool.query('SELECT id, name, floor(extract(epoch FROM created_at))::float8 AS created_at FROM workspaces WHERE id = $1', [id]);
    return result.rows[0] ?? null;
  }

  async clientSecret(workspaceId: string): Promise<string | null> {
    const result = await this.pool.query('SELECT client_secret FROM workspaces WHERE id = $1', [workspaceId]);
    return result.rows[0]?.client_secret ?? null;
  }

  /** Another access token for the workspace, printed once: only its hash and last 4 characters are kept. */
  async createToken(workspaceId: string, input: { name?: string } = {}): Promise<CreatedAccessToken> {
    const name = input.name === undefined ? null : input.name.trim();
    if (name !== null && (name.length === 0 || name.length > LIMITS.stringChars)) {
      throw new ParameterInvalidError(`A token name is 1 to ${LIMITS.stringChars} characters`, 'name');
    }
    await this.requireWorkspace(workspaceId);
    const token = newAccessToken();
    // Counted under a per-workspace lock, so two CLIs cannot pass the limit together.
    const created = await inLockedTransaction(this.pool, `tokens:${workspaceId}`, async (client) => {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM access_tokens WHERE workspace_id = $1 AND revoked_at IS NULL', [workspaceId]);
      if (rows[0].n >= LIMITS.accessTokensPerWorkspace) throw new AccessTokenLimitError();
      return insertToken(client, workspaceId, token, name);
    });
    this.refusedTokens.delete(hashToken(token));
    return { ...created, access_token: token };
  }

  /**
   * The workspace's tokens by id: every active one (at most LIMITS.accessTokensPerWorkspace), then the
   * LIMITS.revokedTokensListed most recently revoked. Revoked rows are kept (a hash each), so a revoked token
   * never opens anything again, whatever is set later.
   */
  async listTokens(workspaceId: string): Promise<AccessTokenInfo[]> {
    await this.requireWorkspace(workspaceId);
    const { rows } = await this.pool.query(
      `(SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE workspace_id = $1 AND revoked_at IS NULL)
       UNION ALL
       (SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE workspace_id = $1 AND revoked_at IS NOT NULL ORDER BY revoked_at DESC, id DESC LIMIT $2)
       ORDER BY id`,
      [workspaceId, LIMITS.revokedTokensListed],
    );
    return rows;
  }

  /**
   * Revokes a token of the workspace: at once in this process, and in every other one once its cached entry (at
   * most tokenCacheMs old) runs out. Revoking a revoked token changes nothing and answers it as it was.
   */
  async revokeToken(workspaceId: string, id: number): Promise<AccessTokenInfo> {
    await this.requireWorkspace(workspaceId);
    const { rows } = await this.pool.query(
      `UPDATE access_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE workspace_id = $1 AND id = $2
       RETURNING ${TOKEN_COLUMNS}`,
      [workspaceId, id],
    );
    if (!rows[0]) throw new AccessTokenNotFoundError(workspaceId, id);
    // The valid-token cache is keyed by tokens, which this process never keeps by hash: forgetting every entry is the
    // one sure way to drop this one, and costs each active token of this process one query.
    this.tokenCache.clear();
    return rows[0];
  }

  /**
   * A new client secret (the webhook signing key), printed once. Deliveries are signed when they are sent, so every
   * attempt from now on, retries of notifications queued before included, carries the new one.
   */
  async rotateClientSecret(workspaceId: string): Promise<{ workspace_id: string; client_secret: string }> {
    const clientSecret = newSecret(24);
    const { rowCount } = await this.pool.query('UPDATE workspaces SET client_secret = $2 WHERE id = $1', [workspaceId, clientSecret]);
    if (!rowCount) throw new WorkspaceNotFoundError(workspaceId);
    return { workspace_id: workspaceId, client_secret: clientSecret };
  }

  private async requireWorkspace(workspaceId: string): Promise<void> {
    const found = await this.pool.query('SELECT 1 FROM workspaces WHERE id = $1', [workspaceId]);
    if (found.rowCount === 0) throw new WorkspaceNotFoundError(workspaceId);
  }

  /** Whether this process knows the token to be valid without asking the database. */
  knowsValid(token: string): boolean {
    const cached = this.tokenCache.get(token);
    return cached !== undefined && cached.until > Date.now();
  }

  /** The workspace a token belongs to, with the actor's reference, or null when it opens nothing. */
  async identify(token: string): Promise<TokenIdentity | null> {
    const now = Date.now();
    const cached = this.tokenCache.get(token);
    if (cached && cached.until > now) return cached.identity;
    const hash = hashToken(token);
    const refusedUntil = this.refusedTokens.get(hash);
    if (refusedUntil !== undefined && refusedUntil > now) return null;
    const result = await this.pool.query({
      name: 'auth_token',
      text: 'SELECT workspace_id FROM access_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
      values: [hash],
    });
    const workspaceId: string | undefined = result.rows[0]?.workspace_id;
    if (!workspaceId) {
      this.tokenCache.delete(token);
      this.refusedTokens.set(hash, Date.now() + REFUSED_TOKEN_MS);
      return null;
    }
    const identity = { workspaceId, tokenRef: `token:${hash.slice(0, 12)}` };
    if (this.options.tokenCacheMs > 0) this.tokenCache.set(token, { identity, until: Date.now() + this.options.tokenCacheMs });
    return identity;
  }

  /** The workspace a token belongs to, or null. */
  async authenticate(token: string): Promise<string | null> {
    return (await this.identify(token))?.workspaceId ?? null;
  }

  /**
   * BOOTSTRAP_TOKEN: make sure a workspace answers to this token, keeping its client secret in step. Once the token
   * is revoked it stays revoked: the workspace is left alone (secret included) and `revoked` says so.
   */
  async ensureBootstrap(token: string, clientSecret?: string): Promise<{ workspaceId: string; created: boolean; revoked?: true }> {
    const existing = await this.authenticate(token);
    if (existing) {
      if (clientSecret) await this.pool.query('UPDATE workspaces SET client_secret = $2 WHERE id = $1', [existing, clientSecret]);
      return { workspaceId: existing, created: false };
    }
    const revoked = await this.pool.query('SELECT workspace_id FROM access_tokens WHERE token_hash = $1', [hashToken(token)]);
    if (revoked.rows[0]) return { workspaceId: revoked.rows[0].workspace_id, created: false, revoked: true };
    try {
      const created = await this.create({ name: 'bootstrap', token, tokenName: 'BOOTSTRAP_TOKEN', clientSecret });
      return { workspaceId: created.workspace_id, created: true };
    } catch (error) {
      // Another replica starting at the same moment created it first (this process refused the token a moment ago).
      this.refusedTokens.delete(hashToken(token));
      const raced = (error as { code?: string }).code === '23505' ? await this.authenticate(token) : null;
      if (!raced) throw error;
      return { workspaceId: raced, created: false };
    }
  }

  /** With no workspace at all, create one for development; returns it only when it was created now. */
  async ensureDevWorkspace(): Promise<CreatedWorkspace | null> {
    const any = await this.pool.query('SELECT 1 FROM workspaces LIMIT 1');
    if (any.rowCount) return null;
    return this.create({ name: 'dev' });
  }
}

const ADMIN_COLUMNS = 'id, workspace_id, name, email, job_title';
const TOKEN_COLUMNS = `id, workspace_id, name, last4, floor(extract(epoch FROM created_at))::float8 AS created_at,
  floor(extract(epoch FROM revoked_at))::float8 AS revoked_at`;

async function insertToken(db: pg.PoolClient, workspaceId: string, token: string, name: string | null): Promise<AccessTokenInfo> {
  const result = await db.query(
    `INSERT INTO access_tokens (token_hash, workspace_id, name, last4) VALUES ($1, $2, $3, $4) RETURNING ${TOKEN_COLUMNS}`,
    [hashToken(token), workspaceId, name, token.slice(-4)],
  );
  return result.rows[0];
}

// The workspace's admins first (at most LIMITS.adminsPerWorkspace, by admins_workspace_idx), then the least id:
// with a bare ORDER BY id LIMIT 1 the planner walks the primary key through every workspace's earlier admins.
const FIRST_ADMIN = `WITH w AS MATERIALIZED (SELECT ${ADMIN_COLUMNS} FROM admins WHERE workspace_id = $1) SELECT * FROM w ORDER BY id LIMIT 1`;

async function insertAdmin(db: pg.Pool | pg.PoolClient, workspaceId: string, name: string, email: string, jobTitle?: string): Promise<Admin> {
  try {
    const result = await db.query(
      `INSERT INTO admins (workspace_id, name, email, job_title) VALUES ($1, $2, $3, $4) RETURNING ${ADMIN_COLUMNS}`,
      [workspaceId, name, email, jobTitle ?? null],
    );
    return result.rows[0];
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AdminEmailTakenError(email);
    throw error;
  }
}
