import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactMergedError, ContactNotFoundError } from '../domain/contact.errors.js';
import type { ContactView } from '../store/contact.repository.js';
import { ContactViews } from '../store/contact-views.repository.js';

export class GetContactQuery extends Query<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    /** 2.16: a merged-away contact is a 410 pointing at where it lives on, not a 404. */
    readonly reportMerges = false,
  ) {
    super();
  }
}

@QueryHandler(GetContactQuery)
export class GetContactHandler implements IQueryHandler<GetContactQuery, ContactView> {
  constructor(private readonly contacts: ContactViews) {}

  async execute({ workspaceId, contactId, reportMerges }: GetContactQuery): Promise<ContactView> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (view) return view;
    const canonical = reportMerges ? await this.contacts.mergedInto(workspaceId, contactId) : null;
    throw canonical ? new ContactMergedError(canonical) : new ContactNotFoundError();
  }
}
