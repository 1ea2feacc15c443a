import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, PG_POOL } from '@app/event-store';
import type pg from 'pg';
import { untagContact } from '../domain/contact-relations.aggregate.js';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactRepository } from '../store/contact.repository.js';

/** Contacts read (and untagged, where they still have the tag) per batch: one index range, then one append each. */
export const DETACH_BATCH = 200;
/** Appends of one batch in flight together: a deletion never holds more than this many pooled connections. */
const CONCURRENCY = 4;
/** A claim outlives a batch by far; a crashed claimer's deletion is taken up again after it. */
const CLAIM_SECONDS = 60;

interface Claimed {
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

/**
 * Detaches deleted tags from their contacts: each ContactUntagged is a decision on that contact's stream, as any
 * untagging is, carrying the deleting request's metadata. The walk goes in batches of DETACH_BATCH contacts with
 * its cursor stored after each, so a tag on a million contacts holds no transaction and at most CONCURRENCY
 * connections at a time, and a crash repeats at most one batch (untagging twice records nothing). The DELETE
 * request walks the first contacts itself; the worker's loop (tag-detachment.loop.ts) drains the rest.
 */
@Injectable()
export class TagDetacher {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly contacts: ContactRepository,
  ) {}

  /** One batch of the oldest pending deletion nobody holds; false when there was none. */
  async step(): Promise<boolean> {
    const claimed = await this.claim(null, null);
    if (claimed) await this.batch(claimed, false);
    return claimed !== null;
  }

  /** Walks one deletion for up to `budget` contacts; true when it is done (or another process holds it). */
  async run(workspaceId: string, tagId: string, budget: number): Promise<boolean> {
    const claimed = await this.claim(workspaceId, tagId);
    if (!claimed) return true;
    for (let walked = 0; ; walked += DETACH_BATCH) {
      const keep = walked + DETACH_BATCH < budget;
      const next = await this.batch(claimed, keep);
      if (next === null) return true;
      if (!keep) break;
      claimed.cursor = next;
    }
    return false;
  }

  private async claim(workspaceId: string | null, tagId: string | null): Promise<Claimed | null> {
    const { rows } = await this.pool.query(CLAIM, [workspaceId, tagId]);
    return rows[0] ?? null;
  }

  /** Detaches the next batch and stores the cursor, keeping the claim or not; answers the cursor, null when done. */
  private async batch({ workspace_id: workspaceId, tag_id: tagId, metadata, cursor }: Claimed, keep: boolean): Promise<string | null> {
    const { rows } = await this.pool.query(NEXT_BATCH, [workspaceId, tagId, cursor, DETACH_BATCH]);
    const tagged: string[] = rows.filter((row) => row.tagged).map((row) => row.contact_id);
    for (let i = 0; i < tagged.length; i += CONCURRENCY) {
      await Promise.all(tagged.slice(i, i + CONCURRENCY).map((id) => this.untag(workspaceId, id, tagId, metadata)));
    }
    const done = rows.length < DETACH_BATCH;
    const next = rows.length > 0 ? rows[rows.length - 1].contact_id : cursor;
    await this.pool.query(RECORD, [workspaceId, tagId, next, tagged.length, done, keep && !done]);
    return done ? null : next;
  }

  private async untag(workspaceId: string, contactId: string, tagId: string, metadata: EventMetadata): Promise<void> {
    try {
      await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => untagContact(contact, tagId, context));
    } catch (error) {
      // Deleted (or merged away) since the batch was read: it has no tag to take off.
      if (!(error instanceof ContactNotFoundError)) throw error;
    }
  }
}
