import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { type ContactView, ContactRepository } from '../infrastructure/contact.repository.js';
import { GetContactQuery } from './get-contact.query.js';

@QueryHandler(GetContactQuery)
export class GetContactHandler implements IQueryHandler<GetContactQuery, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  async execute({ workspaceId, contactId }: GetContactQuery): Promise<ContactView> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (!view) throw new ContactNotFoundError();
    return view;
  }
}
