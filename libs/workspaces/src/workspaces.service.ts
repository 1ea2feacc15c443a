import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, inLockedTransaction } from '@app/event-store';
import type pg from 'pg';
import { ByteBudgetCache, LIMITS, ParameterInvalidError, ResourceNotFoundError } from '@app/intercom';

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

export class WorkspaceNotFoundError extends ResourceNotFoundError {
  constructor(id: string) {
    super(`Workspace ${id} not found`);
  }
}

// A token seen recently skips the database; tokens are never revoked in place, only workspaces removed.
const TOKEN_CACHE_MS = 30_000;
// A refused token is refused again without a query for this long, so a flood of bad tokens is not a query each.
// A token created meanwhile by this process is forgotten at once; one created by another replica waits this long.
export const REFUSED_TOKEN_MS = 5_000;
// Both caches are bounded by bytes, and apart: distinct bad tokens, however many, never push a valid one out.
// An entry is a 64-character hash key (128 bytes) and a small record: about 200 bytes, so some 20,000 valid and 5,000
// refused tokens.
const TOKEN_CACHE_BYTES = 4 * 1024 * 1024;
const REFUSED_CACHE_BYTES = 1024 * 1024;
const ENTRY_BYTES = 72;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newSecret = (bytes: number) => randomBytes(bytes).toString('base64url');
const newWorkspaceId = () => randomBytes(6).toString('hex').slice(0, 8);

@Injectable()
export class WorkspacesService {
  private readonly tokenCache = new ByteBudgetCache<{ workspaceId: string; until: number }>(TOKEN_CACHE_BYTES, () => ENTRY_BYTES);
  private readonly refusedTokens = new ByteBudgetCache<number>(REFUSED_CACHE_BYTES, () => ENTRY_BYTES);

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** A workspace comes with its first admin, a fresh access token and a client secret. */
  async create(input: { name: string; adminName?: string; adminEmail?: string; token?: string; clientSecret?: string }): Promise<CreatedWorkspace> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const id = newWorkspaceId();
      const accessToken = input.token ?? `tok_${newSecret(32)}`;
      const clientSecret = input.clientSecret ?? newSecret(24);
      await client.query('INSERT INTO workspaces (id, name, client_secret) VALUES ($1, $2, $3)', [id, input.name, clientSecret]);
      await client.query('INSERT INTO access_tokens (token_hash, workspace_id) VALUES ($1, $2)', [hashToken(accessToken), id]);
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
    const found = await this.pool.query('SELECT 1 FROM workspaces WHERE id = $1', [workspaceId]);
    if (found.rowCount === 0) throw new WorkspaceNotFoundError(workspaceId);
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

  /** What this process remembers of a token without asking the database: its workspace, null (refused), or undefined. */
  remembered(token: string, hash = hashToken(token)): string | null | undefined {
    const now = Date.now();
    const cached = this.tokenCache.get(hash);
    if (cached && cached.until > now) return cached.workspaceId;
    const refusedUntil = this.refusedTokens.get(hash);
    if (refusedUntil !== undefined && refusedUntil > now) return null;
    return undefined;
  }

  /** The workspace a bearer token belongs to, or null. */
  async authenticate(token: string): Promise<string | null> {
    const hash = hashToken(token);
    const remembered = this.remembered(token, hash);
    if (remembered !== undefined) return remembered;
    const result = await this.pool.query({
      name: 'auth_token',
      text: 'SELECT workspace_id FROM access_tokens WHERE token_hash = $1',
      values: [hash],
    });
    const workspaceId: string | undefined = result.rows[0]?.workspace_id;
    if (!workspaceId) {
      this.refusedTokens.set(hash, Date.now() + REFUSED_TOKEN_MS);
      return null;
    }
    this.tokenCache.set(hash, { workspaceId, until: Date.now() + TOKEN_CACHE_MS });
    return workspaceId;
  }

  /** BOOTSTRAP_TOKEN: make sure a workspace answers to this token, keeping its client secret in step. */
  async ensureBootstrap(token: string, clientSecret?: string): Promise<{ workspaceId: string; created: boolean }> {
    const existing = await this.authenticate(token);
    if (existing) {
      if (clientSecret) await this.pool.query('UPDATE workspaces SET client_secret = $2 WHERE id = $1', [existing, clientSecret]);
      return { workspaceId: existing, created: false };
    }
    try {
      const created = await this.create({ name: 'bootstrap', token, clientSecret });
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
