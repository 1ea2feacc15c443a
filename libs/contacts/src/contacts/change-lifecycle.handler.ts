import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { type LifecycleAction, changeLifecycle } from '../domain/contact.aggregate.js';
import { ContactRepository, type ContactView } from '../store/contact.repository.js';

/** Archive, unarchive, block or delete one contact. */
export class ChangeLifecycleCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly action: LifecycleAction,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(ChangeLifecycleCommand)
export class ChangeLifecycleHandler implements ICommandHandler<ChangeLifecycleCommand, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  execute({ workspaceId, contactId, action, metadata }: ChangeLifecycleCommand): Promise<ContactView> {
    return this.contacts.change(workspaceId, contactId, metadata, (contact, context) => changeLifecycle(contact, action, context));
  }
}
