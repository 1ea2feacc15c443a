import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import type { ContactView } from '../store/contact.repository.js';
import { ContactViews } from '../store/contact-views.repository.js';

/** A user by its external_id (leads are not found this way). */
export class FindContactByExternalIdQuery extends Query<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly externalId: string,
  ) {
    super();
  }
}

@QueryHandler(FindContactByExternalIdQuery)
export class FindContactByExternalIdHandler implements IQueryHandler<FindContactByExternalIdQuery, ContactView> {
  constructor(private readonly contacts: ContactViews) {}

  async execute({ workspaceId, externalId }: FindContactByExternalIdQuery): Promise<ContactView> {
    const view = await this.contacts.findUserByExternalId(workspaceId, externalId);
    if (!view) throw new ContactNotFoundError();
    return view;
  }
}
