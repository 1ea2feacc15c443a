import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, PG_POOL } from '@app/event-store';
import type pg from 'pg';

/** A claim outlives a batch by far; a crashed claimer's deletion is taken up again after it. */
export const CLAIM_SECONDS = 60;

export interface ClaimedDeletion {
  workspace_id: string;
  tag_id: string;
  metadata: EventMetadata;
  cursor: string;
}

const CLAIM = `
  UPDATE tag_deletions d SET claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS})
   WHERE (d.workspace_id, d.tag_id) = (
     SELECT workspace_id, tag_id FROM tag_deletions
      WHERE done_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
        AND ($1::text IS NULL OR (workspace_id = $1 AND tag_id = $2))
      ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING d.workspace_id, d.tag_id, d.metadata, d.cursor`;

// Every contact that ever had the tag, by id after the cursor, and whether it still has it: archived contacts
// included, deleted and merged-away ones (no row) not.
const NEXT_BATCH = `
  WITH next AS (
    SELECT contact_id FROM contact_tag_applications
     WHERE workspace_id = $1 AND tag_id = $2 AND contact_id > $3 ORDER BY contact_id LIMIT $4)
  SELECT n.contact_id, coalesce(c.state->'tag_ids' ? $2, false) AS tagged
    FROM next n LEFT JOIN contacts c ON c.workspace_id = $1 AND c.id = n.contact_id
   ORDER BY n.contact_id`;

const RECORD = `
  UPDATE tag_deletions SET cursor = $3, detached = detached + $4,
         claimed_until = CASE WHEN $6 THEN now() + make_interval(secs => ${CLAIM_SECONDS}) END,
         done_at = CASE WHEN $5 THEN extract(epoch FROM now())::bigint END
   WHERE workspace_id = $1 AND tag_id = $2`;

/** A contact the walk read: it is untagged only if it still has the tag. */
export interface WalkedContact {
  contact_id: string;
  tagged: boolean;
}

/** The queue of tag deletions still detaching (tag_deletions, migration 940): claims, walks and progress. */
@Injectable()
export class TagDeletions {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** The oldest pending deletion nobody holds (or this one), claimed for CLAIM_SECONDS; null when none. */
  async claim(workspaceId: string | null, tagId: string | null): Promise<ClaimedDeletion | null> {
    const { rows } = await this.pool.query(CLAIM, [workspaceId, tagId]);
    return rows[0] ?? null;
  }

  /** The next `limit` contacts that ever had the tag, after the cursor. */
  async next(deletion: ClaimedDeletion, limit: number): Promise<WalkedContact[]> {
    return (await this.pool.query(NEXT_BATCH, [deletion.workspace_id, deletion.tag_id, deletion.cursor, limit])).rows;
  }

  /** Stores the cursor and the count detached; keeps the claim (a request walking on) or releases it. */
  async record(deletion: ClaimedDeletion, cursor: string, detached: number, done: boolean, keep: boolean): Promise<void> {
    await this.pool.query(RECORD, [deletion.workspace_id, deletion.tag_id, cursor, detached, done, keep && !done]);
  }
}
