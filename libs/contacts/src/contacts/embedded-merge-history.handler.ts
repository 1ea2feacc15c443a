import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ContactState } from '../domain/contact.state.js';
import { ContactViews } from '../store/contact-views.repository.js';
import type { MergeHistoryItem } from './get-merge-history.handler.js';

/**
 * The most merges a contact object embeds: its newest, newest first. The whole history pages at
 * GET /contacts/{id}/merge_history; a page of 150 users embeds at most 150 times this many.
 */
export const EMBEDDED_MERGES = 25;

/** Each user's merge history, by contact id. */
export type EmbeddedMergeHistory = ReadonlyMap<string, MergeHistoryItem[]>;

/**
 * 2.16 `include_merge_history=true`: the merge_history of every user among these contacts (leads have none and get no
 * entry; a user without merges gets an empty one). With `until` (an as_of read), only the merges made by then.
 */
export class GetEmbeddedMergeHistoryQuery extends Query<EmbeddedMergeHistory> {
  constructor(
    readonly workspaceId: string,
    readonly contacts: readonly ContactState[],
    readonly until: number | null = null,
  ) {
    super();
  }
}

@QueryHandler(GetEmbeddedMergeHistoryQuery)
export class GetEmbeddedMergeHistoryHandler implements IQueryHandler<GetEmbeddedMergeHistoryQuery, EmbeddedMergeHistory> {
  constructor(private readonly views: ContactViews) {}

  async execute({ workspaceId, contacts, until }: GetEmbeddedMergeHistoryQuery): Promise<EmbeddedMergeHistory> {
    const users = contacts.filter((c) => c.role === 'user').map((c) => c.id);
    const merges = await this.views.recentMergesInto(workspaceId, users, EMBEDDED_MERGES, until);
    return new Map(users.map((id) => [id, (merges.get(id) ?? []).map((m) => ({ source_contact_id: m.from_id, merged_at: m.merged_at }))]));
  }
}
