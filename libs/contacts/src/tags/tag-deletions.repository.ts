import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, PG_POOL } from '@app/event-store';
import type pg from 'pg';

/** A claim outlives a batch by far; a crashed claimer's deletion is taken up again after it. */
export const CLAIM_SECONDS = 60;

export interface ClaimedDeletion {
  workspace_id: string;
  tag_id: string;
  metadata: EventMetadata;
  /** The last company walked: the walk resumes after it until companies_done, then after `cursor` (contacts). */
  company_cursor: string;
  companies_done: boolean;
  cursor: string;
}

const CLAIM = `
  UPDATE tag_deletions d SET claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS})
   WHERE (d.workspace_id, d.tag_id) = (
     SELECT workspace_id, tag_id FROM tag_deletions
      WHERE done_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
        AND ($1::text IS NULL OR (workspace_id = $1 AND tag_id = $2))
      ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
  RETURNING d.workspace_id, d.tag_id, d.metadata, d.company_cursor, d.companies_done, d.cursor`;

// Every contact that ever had the tag, by id after the cursor, and whether it still has it: archived contacts
// included, deleted and merged-away ones (no row) not.
const NEXT_BATCH = `
  WITH next AS (
    SELECT contact_id FROM contact_tag_applications
     WHERE workspace_id = $1 AND tag_id = $2 AND contact_id > $3 ORDER BY contact_id LIMIT $4)
  SELECT n.contact_id, coalesce(c.state->'tag_ids' ? $2, false) AS tagged
    FROM next n LEFT JOIN contacts c ON c.workspace_id = $1 AND c.id = n.contact_id
   ORDER BY n.contact_id`;

// The companies carrying the tag now (company_tags is their current tags), by id after the cursor.
const NEXT_COMPANIES = `
  SELECT company_id FROM company_tags WHERE workspace_id = $1 AND tag_id = $2 AND company_id > $3 ORDER BY company_id LIMIT $4`;

const RECORD = `
  UPDATE tag_deletions SET company_cursor = $3, companies_done = $4, companies_detached = companies_detached + $5,
         cursor = $6, detached = detached + $7,
         claimed_until = CASE WHEN $9 THEN now() + make_interval(secs => ${CLAIM_SECONDS}) END,
         done_at = CASE WHEN $8 THEN extract(epoch FROM now())::bigint END
   WHERE workspace_id = $1 AND tag_id = $2`;

/** What one batch walked: the cursors it reached and the companies and contacts it untagged. */
export interface BatchProgress {
  companyCursor: string;
  companiesDone: boolean;
  companiesDetached: number;
  cursor: string;
  detached: number;
  done: boolean;
}

/** A contact the walk read: it is untagged only if it still has the tag. */
export interface WalkedContact {
  contact_id: string;
  tagged: boolean;
}

/** The queue of tag deletions still detaching (tag_deletions, migrations 940 and 1040): claims, walks and progress. */
@Injectable()
export class TagDeletions {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** The oldest pending deletion nobody holds (or this one), claimed for CLAIM_SECONDS; null when none. */
  async claim(workspaceId: string | null, tagId: string | null): Promise<ClaimedDeletion | null> {
    const { rows } = await this.pool.query(CLAIM, [workspaceId, tagId]);
    return rows[0] ?? null;
  }

  /** The next `limit` companies that carry the tag, after the company cursor. */
  async nextCompanies(deletion: ClaimedDeletion, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query(NEXT_COMPANIES, [deletion.workspace_id, deletion.tag_id, deletion.company_cursor, limit]);
    return rows.map((row) => row.company_id);
  }

  /** The next `limit` contacts that ever had the tag, after the cursor. */
  async next(deletion: ClaimedDeletion, limit: number): Promise<WalkedContact[]> {
    return (await this.pool.query(NEXT_BATCH, [deletion.workspace_id, deletion.tag_id, deletion.cursor, limit])).rows;
  }

  /** Stores the cursors and the counts detached; keeps the claim (a request walking on) or releases it. */
  async record(deletion: ClaimedDeletion, batch: BatchProgress, keep: boolean): Promise<void> {
    await this.pool.query(RECORD, [
      deletion.workspace_id,
      deletion.tag_id,
      batch.companyCursor,
      batch.companiesDone,
      batch.companiesDetached,
      batch.cursor,
      batch.detached,
      batch.done,
      keep && !batch.done,
    ]);
  }
}
