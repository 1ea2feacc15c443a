import { Injectable } from '@nestjs/common';
import type { EventMetadata } from '@app/event-store';
import { CompanyRepository } from '../companies/company.repository.js';
import { untagCompany } from '../domain/company.aggregate.js';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import { untagContact } from '../domain/contact-relations.aggregate.js';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactRepository } from '../store/contact.repository.js';
import { type BatchProgress, type ClaimedDeletion, TagDeletions } from './tag-deletions.repository.js';

/** Companies and contacts read (and untagged, where they still have the tag) per batch: index ranges, then one append each. */
export const DETACH_BATCH = 200;
/** Appends of one batch in flight together: a deletion never holds more than this many pooled connections. */
const CONCURRENCY = 4;

/**
 * Detaches deleted tags from their companies, then from their contacts: each CompanyUntagged or ContactUntagged is a
 * decision on that company's or contact's stream, as any untagging is, carrying the deleting request's metadata. The
 * walk goes in batches of at most DETACH_BATCH companies and contacts together, by id after a stored cursor (one for
 * companies, one for contacts), so a tag on a million of them holds no transaction and at most CONCURRENCY
 * connections at a time, and a crash repeats at most one batch (untagging twice records nothing). The DELETE request
 * walks the first ones itself, up to its budget; the worker's loop (tag-detachment.loop.ts) drains the rest.
 */
@Injectable()
export class TagDetacher {
  constructor(
    private readonly deletions: TagDeletions,
    private readonly companies: CompanyRepository,
    private readonly contacts: ContactRepository,
  ) {}

  /** One batch of the oldest pending deletion nobody holds; false when there was none. */
  async step(): Promise<boolean> {
    const claimed = await this.deletions.claim(null, null);
    if (claimed) await this.batch(claimed, DETACH_BATCH, false);
    return claimed !== null;
  }

  /**
   * Walks one deletion for up to `budget` companies and contacts, in batches; true when it is done (or another process
   * holds it). A budget of 0 leaves it all to the worker.
   */
  async run(workspaceId: string, tagId: string, budget: number): Promise<boolean> {
    if (budget <= 0) return false;
    const claimed = await this.deletions.claim(workspaceId, tagId);
    if (!claimed) return true;
    for (let walked = 0; walked < budget; ) {
      const limit = Math.min(DETACH_BATCH, budget - walked);
      walked += limit;
      if (await this.batch(claimed, limit, walked < budget)) return true;
    }
    return false;
  }

  /**
   * Detaches the next `limit` companies, then contacts once the companies are done, and stores the cursors, keeping
   * the claim or not; moves the deletion's cursors on and answers whether the deletion is done.
   */
  private async batch(deletion: ClaimedDeletion, limit: number, keep: boolean): Promise<boolean> {
    const { workspace_id: workspaceId, tag_id: tagId, metadata } = deletion;
    const progress: BatchProgress = {
      companyCursor: deletion.company_cursor,
      companiesDone: deletion.companies_done,
      companiesDetached: 0,
      cursor: deletion.cursor,
      detached: 0,
      done: false,
    };
    let room = limit;
    if (!progress.companiesDone) {
      const ids = await this.deletions.nextCompanies(deletion, limit);
      progress.companiesDetached = await this.each(ids, (id) => this.untagCompany(workspaceId, id, tagId, metadata));
      progress.companiesDone = ids.length < limit;
      if (ids.length > 0) progress.companyCursor = ids[ids.length - 1];
      room -= ids.length;
    }
    if (progress.companiesDone) {
      const rows = await this.deletions.next(deletion, room);
      const tagged = rows.filter((row) => row.tagged).map((row) => row.contact_id);
      progress.detached = await this.each(tagged, (id) => this.untagContact(workspaceId, id, tagId, metadata));
      progress.done = rows.length < room;
      if (rows.length > 0) progress.cursor = rows[rows.length - 1].contact_id;
    }
    await this.deletions.record(deletion, progress, keep);
    Object.assign(deletion, { company_cursor: progress.companyCursor, companies_done: progress.companiesDone, cursor: progress.cursor });
    return progress.done;
  }

  /** Runs `untag` on each id, CONCURRENCY at a time; answers how many recorded an event. */
  private async each(ids: readonly string[], untag: (id: string) => Promise<boolean>): Promise<number> {
    let untagged = 0;
    for (let i = 0; i < ids.length; i += CONCURRENCY) {
      const done = await Promise.all(ids.slice(i, i + CONCURRENCY).map(untag));
      untagged += done.filter(Boolean).length;
    }
    return untagged;
  }

  private async untagCompany(workspaceId: string, companyId: string, tagId: string, metadata: EventMetadata): Promise<boolean> {
    try {
      const write = await this.companies.change(workspaceId, companyId, metadata, (state, now) => untagCompany(state, tagId, now));
      return write.events.length > 0;
    } catch (error) {
      // Deleted since the batch was read: its tags went with it.
      if (!(error instanceof CompanyNotFoundError)) throw error;
      return false;
    }
  }

  private async untagContact(workspaceId: string, contactId: string, tagId: string, metadata: EventMetadata): Promise<boolean> {
    try {
      await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => untagContact(contact, tagId, context));
      return true;
    } catch (error) {
      // Deleted (or merged away) since the batch was read: it has no tag to take off.
      if (!(error instanceof ContactNotFoundError)) throw error;
      return false;
    }
  }
}
