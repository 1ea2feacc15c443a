import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ContactMergedError, ContactNotFoundError } from '../domain/contact.errors.js';
import { type ContactView, ContactRepository } from '../infrastructure/contact.repository.js';
import { FindContactByExternalIdQuery, GetContactQuery } from './get-contact.query.js';

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
