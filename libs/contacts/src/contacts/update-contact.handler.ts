import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { type ContactPatch, updateContact } from '../domain/contact.aggregate.js';
import { ContactRepository, type ContactView } from '../store/contact.repository.js';

/** PUT /contacts/{id}: a partial update; absent fields stay, null clears. */
export class UpdateContactCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly patch: ContactPatch,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(UpdateContactCommand)
export class UpdateContactHandler implements ICommandHandler<UpdateContactCommand, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  execute({ workspaceId, contactId, patch, metadata }: UpdateContactCommand): Promise<ContactView> {
    return this.contacts.change(workspaceId, contactId, metadata, (contact, context) => updateContact(contact, patch, context));
  }
}
