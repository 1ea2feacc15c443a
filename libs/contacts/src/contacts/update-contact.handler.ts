import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { ExpectedVersions } from '@app/intercom';
import { type ContactPatch, updateContact } from '../domain/contact.aggregate.js';
import { ContactRepository, type ContactView } from '../store/contact.repository.js';

/** PUT /contacts/{id}: a partial update; absent fields stay, null clears. */
export class UpdateContactCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly patch: ContactPatch,
    readonly metadata: EventMetadata,
    /** If-Match: the versions the change may be decided on; null: any. */
    readonly expected: ExpectedVersions = null,
  ) {
    super();
  }
}

@CommandHandler(UpdateContactCommand)
export class UpdateContactHandler implements ICommandHandler<UpdateContactCommand, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  execute({ workspaceId, contactId, patch, metadata, expected }: UpdateContactCommand): Promise<ContactView> {
    return this.contacts.change(workspaceId, contactId, metadata, (contact, context) => updateContact(contact, patch, context), expected);
  }
}
