import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { untagContact } from '../domain/contact-relations.aggregate.js';
import { ContactRepository } from '../store/contact.repository.js';
import { TagApplications } from './tag-applications.js';
import { TagCatalog, TagNotFoundError } from './tag-catalog.repository.js';
import type { ContactTag } from './tag-contact.handler.js';

/** Take a tag off a contact; a tag that is not there records nothing. */
export class UntagContactCommand extends Command<ContactTag> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly tagId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(UntagContactCommand)
export class UntagContactHandler implements ICommandHandler<UntagContactCommand, ContactTag> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly tags: TagCatalog,
    private readonly applications: TagApplications,
  ) {}

  async execute({ workspaceId, contactId, tagId, metadata }: UntagContactCommand): Promise<ContactTag> {
    const tag = await this.tags.find(workspaceId, tagId);
    await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => {
      if (!tag) throw new TagNotFoundError();
      return untagContact(contact, tag.id, context);
    });
    const applications = await this.applications.of(workspaceId, contactId);
    return { ...tag!, application: applications.get(tag!.id) ?? null };
  }
}
