import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { ExpectedVersions } from '@app/intercom';
import { type LifecycleAction, changeLifecycle } from '../domain/contact.aggregate.js';
import { ContactRepository, type ContactView } from '../store/contact.repository.js';

/** Archive, unarchive, block or delete one contact. */
export class ChangeLifecycleCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly action: LifecycleAction,
    readonly metadata: EventMetadata,
    /** If-Match: the versions the change may be decided on; null: any. */
    readonly expected: ExpectedVersions = null,
  ) {
    super();
  }
}

@CommandHandler(ChangeLifecycleCommand)
export class ChangeLifecycleHandler implements ICommandHandler<ChangeLifecycleCommand, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  execute({ workspaceId, contactId, action, metadata, expected }: ChangeLifecycleCommand): Promise<ContactView> {
    return this.contacts.change(workspaceId, contactId, metadata, (contact, context) => changeLifecycle(contact, action, context), expected);
  }
}
