import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import type { ContactView } from '../infrastructure/contact.repository.js';
import { ChangeContactLifecycleCommand, MergeContactsCommand } from './contact-lifecycle.commands.js';
import { ContactWriter } from './contact-writer.js';

@CommandHandler(ChangeContactLifecycleCommand)
export class ChangeContactLifecycleHandler implements ICommandHandler<ChangeContactLifecycleCommand, ContactView> {
  constructor(private readonly writer: ContactWriter) {}

  execute({ workspaceId, contactId, action, metadata }: ChangeContactLifecycleCommand): Promise<ContactView> {
    return this.writer.write(workspaceId, contactId, metadata, {}, ({ contact }, { now }) => {
      if (!contact) throw new ContactNotFoundError();
      contact[action](now);
      return contact;
    });
  }
}

@CommandHandler(MergeContactsCommand)
export class MergeContactsHandler implements ICommandHandler<MergeContactsCommand, ContactView> {
  constructor(private readonly writer: ContactWriter) {}

  execute({ workspaceId, fromId, intoId, metadata, requireDuplicate }: MergeContactsCommand): Promise<ContactView> {
    return this.writer.merge(workspaceId, fromId, intoId, metadata, requireDuplicate);
  }
}
