import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { ExpectedVersions } from '@app/intercom';
import { mergeContacts } from '../domain/contact.aggregate.js';
import { ContactRepository, type ContactView } from '../store/contact.repository.js';

/** Merge the lead `fromId` into the user `intoId`; answers the user. */
export class MergeContactsCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly fromId: string,
    readonly intoId: string,
    readonly metadata: EventMetadata,
    /** 2.16 without skip_duplicate_validation: refuse contacts that share no email or phone. */
    readonly requireDuplicate = false,
    /** If-Match on the user (the contact the merge answers): the versions it may be at; null: any. */
    readonly expected: ExpectedVersions = null,
  ) {
    super();
  }
}

@CommandHandler(MergeContactsCommand)
export class MergeContactsHandler implements ICommandHandler<MergeContactsCommand, ContactView> {
  constructor(private readonly contacts: ContactRepository) {}

  execute({ workspaceId, fromId, intoId, metadata, requireDuplicate, expected }: MergeContactsCommand): Promise<ContactView> {
    return this.contacts.merge(workspaceId, fromId, intoId, metadata, (lead, user, context) => mergeContacts(lead, user, context, requireDuplicate), expected);
  }
}
