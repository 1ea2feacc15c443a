import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { untagContact } from '../domain/contact-relations.aggregate.js';
import { ContactRepository } from '../store/contact.repository.js';
import { TagApplications } from './tag-applications.repository.js';
import { TagCatalog } from './tag-catalog.repository.js';
import { type ContactTag, changeTag } from './tag-contact.handler.js';

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
    readonly contacts: ContactRepository,
    readonly tags: TagCatalog,
    readonly applications: TagApplications,
  ) {}

  execute(command: UntagContactCommand): Promise<ContactTag> {
    return changeTag(this, command, untagContact);
  }
}
