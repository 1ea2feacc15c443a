import type pg from 'pg';
import type { Queryable } from '../checkpoints.js';
import { CLAIM_LOST_SQLSTATE, type IdempotencyClaim, IdempotencyClaimLostError, MAX_NAMED_STREAMS } from './idempotency-context.js';

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
        ),
        -- A key taken again after it expired no longer names the streams its earlier request wrote.
        unnamed AS (DELETE FROM idempotency_key_streams WHERE workspace_id = $1 AND key = $2 AND EXISTS (SELECT 1 FROM claimed))
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

  /**
   * Stores the answer of the request that holds the key (nothing if it no longer does, or if an erasure already
   * answered for it: see storedAnswersErasure). With the streams the request named without writing them, in the
   * same statement; if one of them was erased meanwhile (its data key is a tombstone), the body is not kept.
   */
  async answer(claim: IdempotencyClaim, answer: StoredAnswer): Promise<void> {
    const named = [...(claim.named ?? [])];
    const body = named.length > MAX_NAMED_STREAMS ? null : answer.body;
    const values = [claim.workspaceId, claim.key, claim.owner, answer.status, answer.contentType, body];
    const where = 'workspace_id = $1 AND key = $2 AND owner = $3 AND answered_at IS NULL';
    if (named.length === 0 || body === null) {
      await this.pool.query({ name: 'idempotency_answer', text: `UPDATE idempotency_keys SET answered_at = now(), status = $4, content_type = $5, body = $6 WHERE ${where}`, values });
      return;
    }
    await this.pool.query({
      name: 'idempotency_answer_named',
      text: `
        WITH named AS (
          INSERT INTO idempotency_key_streams (workspace_id, stream_id, key)
          SELECT $1, s, $2 FROM unnest($7::text[]) s WHERE EXISTS (SELECT 1 FROM idempotency_keys WHERE ${where})
          ON CONFLICT DO NOTHING
        )
        UPDATE idempotency_keys SET answered_at = now(), status = $4, content_type = $5,
               body = CASE WHEN EXISTS (SELECT 1 FROM es_data_keys WHERE workspace_id = $1 AND owner_id = ANY($7::text[]) AND erased_at IS NOT NULL)
                           THEN NULL ELSE $6 END
         WHERE ${where}`,
      values: [...values, named],
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
 * The CTEs that mark the claim applied inside an append statement (the stream and its new version recorded) and
 * record the stream among those the key wrote (the erasure's index), given the statement's `bind`; `$1`, `$2` and
 * `$4` are the append's workspace, stream and new version. `idempotent` has a row only if the claim is still held.
 */
export function markAppliedInAppend(claim: IdempotencyClaim, bind: (value: unknown) => string): string {
  return `idempotent AS (
        UPDATE idempotency_keys SET applied_at = now(), stream_id = $2, stream_version = $4
         WHERE workspace_id = ${bind(claim.workspaceId)} AND key = ${bind(claim.key)} AND owner = ${bind(claim.owner)} RETURNING workspace_id, key),
      idempotent_stream AS (
        INSERT INTO idempotency_key_streams (workspace_id, stream_id, key) SELECT workspace_id, $2, key FROM idempotent ON CONFLICT DO NOTHING)`;
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
 * For erasure: the stored answers of the workspace that name one of the streams (a contact's own and its data-event
 * stream) lose their body: every answer of a request that wrote to them (a merge writes two, a note its contact) or
 * decided on them without writing (IdempotencyClaim.named), found through idempotency_key_streams. The keys stay
 * applied, so a retry is still refused (409) rather than run again.
 */
export async function eraseStoredAnswers(db: Queryable, workspaceId: string, streamIds: readonly string[]): Promise<number> {
  const values: unknown[] = [];
  const bind = (value: unknown) => `$${values.push(value)}`;
  const { rowCount } = await db.query(`WITH stream AS (SELECT 1) ${storedAnswersErasure(workspaceId, streamIds, bind)}`, values);
  return rowCount ?? 0;
}

/**
 * eraseStoredAnswers as a statement of an append (it reads the `stream` CTE), so that it commits with ContactErased.
 * It reads the streams' index only: its cost is the answers that name them, not the workspace's keys. `answered_at`
 * is set on a key still running too, so that its own answer, stored after this commits, is not kept (`answer`).
 */
export function storedAnswersErasure(workspaceId: string, streamIds: readonly string[], bind: (value: unknown) => string): string {
  const workspace = bind(workspaceId);
  return `UPDATE idempotency_keys SET body = NULL, applied_at = coalesce(applied_at, now()), answered_at = coalesce(answered_at, now())
           WHERE workspace_id = ${workspace}
             AND key IN (SELECT key FROM idempotency_key_streams WHERE workspace_id = ${workspace} AND stream_id = ANY(${bind(streamIds)}::text[]))
             AND EXISTS (SELECT 1 FROM stream)`;
}
