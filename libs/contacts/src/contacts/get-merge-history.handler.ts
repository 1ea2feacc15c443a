import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ResourceNotFoundError } from '@app/intercom';
import { ContactViews } from '../store/contact-views.repository.js';

export interface MergeHistoryItem {
  source_contact_id: string;
  merged_at: number;
}

/** 2.16: the leads merged into a user. */
export class GetMergeHistoryQuery extends Query<MergeHistoryItem[]> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
  ) {
    super();
  }
}

@QueryHandler(GetMergeHistoryQuery)
export class GetMergeHistoryHandler implements IQueryHandler<GetMergeHistoryQuery, MergeHistoryItem[]> {
  constructor(private readonly contacts: ContactViews) {}

  async execute({ workspaceId, contactId }: GetMergeHistoryQuery): Promise<MergeHistoryItem[]> {
    const view = await this.contacts.find(workspaceId, contactId);
    // Users only: Intercom answers a lead's merge history with 404 "Contact not found".
    if (!view || view.state.role !== 'user') throw new ResourceNotFoundError('Contact not found');
    const merges = await this.contacts.mergesInto(workspaceId, contactId);
    return merges.map((merge) => ({ source_contact_id: merge.from_id, merged_at: merge.merged_at }));
  }
}
