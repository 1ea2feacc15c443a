import { Injectable } from '@nestjs/common';
import type { EventMetadata } from '@app/event-store';
import { untagContact } from '../domain/contact-relations.aggregate.js';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactRepository } from '../store/contact.repository.js';
import { type ClaimedDeletion, TagDeletions } from './tag-deletions.repository.js';

/** Contacts read (and untagged, where they still have the tag) per batch: one index range, then one append each. */
export const DETACH_BATCH = 200;
/** Appends of one batch in flight together: a deletion never holds more than this many pooled connections. */
const CONCURRENCY = 4;

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
    private readonly deletions: TagDeletions,
    private readonly contacts: ContactRepository,
  ) {}

  /** One batch of the oldest pending deletion nobody holds; false when there was none. */
  async step(): Promise<boolean> {
    const claimed = await this.deletions.claim(null, null);
    if (claimed) await this.batch(claimed, false);
    return claimed !== null;
  }

  /** Walks one deletion for up to `budget` contacts; true when it is done (or another process holds it). */
  async run(workspaceId: string, tagId: string, budget: number): Promise<boolean> {
    const claimed = await this.deletions.claim(workspaceId, tagId);
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

  /** Detaches the next batch and stores the cursor, keeping the claim or not; answers the cursor, null when done. */
  private async batch(deletion: ClaimedDeletion, keep: boolean): Promise<string | null> {
    const { workspace_id: workspaceId, tag_id: tagId, metadata, cursor } = deletion;
    const rows = await this.deletions.next(deletion, DETACH_BATCH);
    const tagged: string[] = rows.filter((row) => row.tagged).map((row) => row.contact_id);
    for (let i = 0; i < tagged.length; i += CONCURRENCY) {
      await Promise.all(tagged.slice(i, i + CONCURRENCY).map((id) => this.untag(workspaceId, id, tagId, metadata)));
    }
    const done = rows.length < DETACH_BATCH;
    const next = rows.length > 0 ? rows[rows.length - 1].contact_id : cursor;
    await this.deletions.record(deletion, next, tagged.length, done, keep);
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
