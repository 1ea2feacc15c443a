import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { newObjectId } from '@app/intercom';
import { type ContactPatch, createContact } from '../domain/contact.aggregate.js';
import { ContactRepository, type ContactView } from '../store/contact.repository.js';

export class CreateContactCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly input: ContactPatch,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(CreateContactCommand)
export class CreateContactHandler implements ICommandHandler<CreateContactCommand, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  execute({ workspaceId, input, metadata }: CreateContactCommand): Promise<ContactView> {
    const id = newObjectId();
    return this.contacts.create(workspaceId, id, metadata, (context) => createContact(id, workspaceId, input, context));
  }
}
