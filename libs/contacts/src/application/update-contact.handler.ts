import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import type { ContactView } from '../infrastructure/contact.repository.js';
import { ContactWriter, needsOf } from './contact-writer.js';
import { UpdateContactCommand } from './update-contact.command.js';

@CommandHandler(UpdateContactCommand)
export class UpdateContactHandler implements ICommandHandler<UpdateContactCommand, ContactView> {
  constructor(private readonly writer: ContactWriter) {}

  execute({ workspaceId, contactId, patch, metadata }: UpdateContactCommand): Promise<ContactView> {
    return this.writer.write(workspaceId, contactId, metadata, needsOf(patch), ({ contact }, context) => {
      if (!contact) throw new ContactNotFoundError();
      contact.update(patch, context);
      return contact;
    });
  }
}
