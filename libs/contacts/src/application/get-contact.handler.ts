import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ContactMergedError, ContactNotFoundError } from '../domain/contact.errors.js';
import { type ContactView, ContactRepository } from '../infrastructure/contact.repository.js';
import { ContactMergeHistoryQuery, FindContactByExternalIdQuery, GetContactQuery, type MergeHistoryItem } from './get-contact.query.js';

@QueryHandler(GetContactQuery)
export class GetContactHandler implements IQueryHandler<GetContactQuery, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  async execute({ workspaceId, contactId, reportMerges }: GetContactQuery): Promise<ContactView> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (view) return view;
    const canonical = reportMerges ? await this.contacts.mergedInto(workspaceId, contactId) : null;
    throw canonical ? new ContactMergedError(canonical) : new ContactNotFoundError();
  }
}

@QueryHandler(FindContactByExternalIdQuery)
export class FindContactByExternalIdHandler implements IQueryHandler<FindContactByExternalIdQuery, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  async execute({ workspaceId, externalId }: FindContactByExternalIdQuery): Promise<ContactView> {
    const view = await this.contacts.findUserByExternalId(workspaceId, externalId);
    if (!view) throw new ContactNotFoundError();
    return view;
  }
}

/** Users only: Intercom answers a lead's merge history with 404 "Contact not found". */
class MergeHistoryContactNotFoundError extends Error {
  readonly code = 'not_found';
  constructor() {
    super('Contact not found');
  }
}

@QueryHandler(ContactMergeHistoryQuery)
export class ContactMergeHistoryHandler implements IQueryHandler<ContactMergeHistoryQuery, MergeHistoryItem[]> {
  constructor(private readonly contacts: ContactRepository) {}

  async execute({ workspaceId, contactId }: ContactMergeHistoryQuery): Promise<MergeHistoryItem[]> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (!view || view.state.role !== 'user') throw new MergeHistoryContactNotFoundError();
    const merges = await this.contacts.mergesInto(workspaceId, contactId);
    return merges.map((merge) => ({ source_contact_id: merge.from_id, merged_at: merge.merged_at }));
  }
}
