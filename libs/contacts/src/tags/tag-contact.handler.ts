import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { tagContact } from '../domain/contact-relations.aggregate.js';
import { ContactRepository } from '../store/contact.repository.js';
import { TagApplications, type TagApplication } from './tag-applications.js';
import { type Tag, TagCatalog, TagNotFoundError } from './tag-catalog.repository.js';

/** A tag as seen on one contact: null application when it was never on it. */
export interface ContactTag extends Tag {
  application: TagApplication | null;
}

/** Put a workspace tag on a contact; a tag already there records nothing. */
export class TagContactCommand extends Command<ContactTag> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly tagId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(TagContactCommand)
export class TagContactHandler implements ICommandHandler<TagContactCommand, ContactTag> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly tags: TagCatalog,
    private readonly applications: TagApplications,
  ) {}

  async execute({ workspaceId, contactId, tagId, metadata }: TagContactCommand): Promise<ContactTag> {
    const tag = await this.tags.find(workspaceId, tagId);
    // A missing contact is reported before a missing tag (the repository checks the contact first).
    // Requests carry an access token, not an admin: there is nobody to record as applied_by.
    await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => {
      if (!tag) throw new TagNotFoundError();
      return tagContact(contact, tag.id, null, context);
    });
    const applications = await this.applications.of(workspaceId, contactId);
    return { ...tag!, application: applications.get(tag!.id) ?? null };
  }
}
