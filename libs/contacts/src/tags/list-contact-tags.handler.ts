import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactViews } from '../store/contact-views.repository.js';
import { TagApplications } from './tag-applications.repository.js';
import { TagCatalog } from './tag-catalog.repository.js';
import type { ContactTag } from './tag-contact.handler.js';

/** The tags on a contact, in the order they were put on. */
export class ListContactTagsQuery extends Query<ContactTag[]> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
  ) {
    super();
  }
}

@QueryHandler(ListContactTagsQuery)
export class ListContactTagsHandler implements IQueryHandler<ListContactTagsQuery, ContactTag[]> {
  constructor(
    private readonly contacts: ContactViews,
    private readonly tags: TagCatalog,
    private readonly applications: TagApplications,
  ) {}

  async execute({ workspaceId, contactId }: ListContactTagsQuery): Promise<ContactTag[]> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (!view) throw new ContactNotFoundError();
    const [tags, applications] = await Promise.all([this.tags.findMany(workspaceId, view.state.tag_ids), this.applications.of(workspaceId, contactId, view.state.tag_ids)]);
    return tags.map((tag) => ({ ...tag, application: applications.get(tag.id) ?? null }));
  }
}
