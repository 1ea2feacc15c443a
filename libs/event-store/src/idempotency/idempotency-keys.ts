import type pg from 'pg';
import type { Queryable } from '../checkpoints.js';
import { CLAIM_LOST_SQLSTATE, type IdempotencyClaim, IdempotencyClaimLostError } from './idempotency-context.js';

export interface IdempotencyTimes {
  /** How long a running request holds its key before another request with it may take over (if nothing was written). */
  leaseMs: number;
  /** How long a key and its stored answer are kept. */
  retentionSeconds: number;
}

/** What a request finds when its key is already held. */
export interface KeyRecord {
  fingerprint: string;
  /** A write under the key committed. */
  applied: boolean;
  /** The holder's lease has not run out: it may still be running. */
  held: boolean;
  answered: boolean;
  status: number | null;
  contentType: string | null;
  body: string | null;
}

export interface StoredAnswer {
  status: number;
  contentType: string | null;
  /** null: not kept (larger than the bound). */
  body: string | null;
}

/** Stripe's 24 hours of retention; a lease well above a request's longest run (5 s statements, a few of them). */
export const DEFAULT_IDEMPOTENCY_TIMES: IdempotencyTimes = { leaseMs: 30_000, retentionSeconds: 24 * 3600 };

/** Expired keys deleted by each claim: see `claim`. */
const SWEEP_BATCH = 10;

/** The rows of `idempotency_keys`: SQL lives here and in the event store's append, nowhere else. */
export class IdempotencyKeys {
  constructor(
    private readonly pool: pg.Pool,
    private readonly times: IdempotencyTimes,
  ) {}

  /**
   * Takes the key for `owner`: a new key, an expired one (a new request, as Stripe does after pruning) or one whose
   * holder's lease ran out before anything was written (it crashed or hung). Answers whether it was taken.
   * The same statement deletes a few expired keys of any workspace: each claim removes up to SWEEP_BATCH while at
   * most one key expires per claim made a day earlier, so the table stays at about a day of keys with no worker.
   */
  async claim(workspaceId: string, key: string, fingerprint: string, owner: string): Promise<boolean> {
    const { rows } = await this.pool.query({
      name: 'idempotency_claim',
      text: `
        WITH swept AS (
          DELETE FROM idempotency_keys WHERE (workspace_id, key) IN (
            SELECT workspace_id, key FROM idempotency_keys
             WHERE expires_at < now() AND NOT (workspace_id = $1 AND key = $2)
             ORDER BY expires_at LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED)
        ),
        claimed AS (
          INSERT INTO idempotency_keys AS k (workspace_id, key, fingerprint, owner, locked_until, expires_at)
          VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8 / 1000), now() + make_interval(secs => $6))
          ON CONFLICT (workspace_id, key) DO UPDATE SET
            fingerprint = excluded.fingerprint, owner = excluded.owner, locked_until = excluded.locked_until,
            expires_at = excluded.expires_at, created_at = now(), applied_at = NULL, stream_id = NULL,
            stream_version = NULL, answered_at = NULL, status = NULL, content_type = NULL, body = NULL
          WHERE k.expires_at < now()
             OR (k.answered_at IS NULL AND k.applied_at IS NULL AND k.locked_until < now() AND k.fingerprint = excluded.fingerprint)
          RETURNING owner
        )
        SELECT count(*)::int AS claimed FROM claimed`,
      values: [workspaceId, key, fingerprint, owner, this.times.leaseMs, this.times.retentionSeconds],
    });
    return rows[0].claimed === 1;
  }

  async find(workspaceId: string, key: string): Promise<KeyRecord | null> {
    const { rows } = await this.pool.query({
      name: 'idempotency_find',
      text: `SELECT fingerprint, applied_at IS NOT NULL AS applied, locked_until > now() AS held, answered_at IS NOT NULL AS answered,
                    status, content_type, body
               FROM idempotency_keys WHERE workspace_id = $1 AND key = $2 AND expires_at >= now()`,
      values: [workspaceId, key],
    });
    const row = rows[0];
    return row ? { fingerprint: row.fingerprint, applied: row.applied, held: row.held, answered: row.answered, status: row.status, contentType: row.content_type, body: row.body } : null;
  }

  /** Stores the answer of the request that holds the key (nothing if it no longer does). */
  async answer(claim: IdempotencyClaim, answer: StoredAnswer): Promise<void> {
    await this.pool.query({
      name: 'idempotency_answer',
      text: `UPDATE idempotency_keys SET answered_at = now(), status = $4, content_type = $5, body = $6
              WHERE workspace_id = $1 AND key = $2 AND owner = $3`,
      values: [claim.workspaceId, claim.key, claim.owner, answer.status, answer.contentType, answer.body],
    });
  }

  /** Gives the key up when nothing was written under it, so that a retry runs again; an applied key is kept. */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.pool.query({
      name: 'idempotency_release',
      text: 'DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2 AND owner = $3 AND applied_at IS NULL',
      values: [claim.workspaceId, claim.key, claim.owner],
    });
  }
}

/**
 * The CTE body that marks the claim applied inside an append statement (the stream and its new version recorded),
 * given the statement's `bind`; `$1`, `$2` and `$4` are the append's workspace, stream and new version.
 */
export function markAppliedInAppend(claim: IdempotencyClaim, bind: (value: unknown) => string): string {
  return `UPDATE idempotency_keys SET applied_at = now(), stream_id = $2, stream_version = $4
           WHERE workspace_id = ${bind(claim.workspaceId)} AND key = ${bind(claim.key)} AND owner = ${bind(claim.owner)} RETURNING 1`;
}

/** Marks the claim applied inside a transaction that writes outside the log (a catalog row): it commits with it. */
export async function markAppliedInTransaction(claim: IdempotencyClaim, client: pg.PoolClient): Promise<void> {
  const { rowCount } = await client.query({
    name: 'idempotency_mark_applied',
    text: 'UPDATE idempotency_keys SET applied_at = now() WHERE workspace_id = $1 AND key = $2 AND owner = $3',
    values: [claim.workspaceId, claim.key, claim.owner],
  });
  if (rowCount === 0) throw new IdempotencyClaimLostError(claim.key);
}

export function isClaimLost(error: unknown): boolean {
  return error instanceof IdempotencyClaimLostError || (error as { code?: string })?.code === CLAIM_LOST_SQLSTATE;
}

/**
 * For erasure: the stored answers of the workspace that name the contact (its own writes, and any answer that
 * mentions its id, a merge's or a note's) lose their body. The keys stay applied, so a retry is still refused
 * (409) rather than run again. Bounded by a day of the workspace's keys.
 */
export async function eraseStoredAnswers(db: Queryable, workspaceId: string, contactId: string): Promise<number> {
  const values: unknown[] = [];
  const bind = (value: unknown) => `$${values.push(value)}`;
  const { rowCount } = await db.query(`WITH stream AS (SELECT 1) ${storedAnswersErasure(workspaceId, contactId, bind)}`, values);
  return rowCount ?? 0;
}

/** eraseStoredAnswers as a statement of an append (it reads the `stream` CTE), so that it commits with ContactErased. */
export function storedAnswersErasure(workspaceId: string, contactId: string, bind: (value: unknown) => string): string {
  const id = bind(contactId);
  return `UPDATE idempotency_keys SET body = NULL, applied_at = coalesce(applied_at, now()), answered_at = coalesce(answered_at, now())
           WHERE workspace_id = ${bind(workspaceId)} AND (stream_id = ${id} OR strpos(body, ${id}) > 0) AND EXISTS (SELECT 1 FROM stream)`;
}
