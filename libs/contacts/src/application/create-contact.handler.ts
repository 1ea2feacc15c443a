import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Contact } from '../domain/contact.aggregate.js';
import type { ContactView } from '../infrastructure/contact.repository.js';
import { ContactWriter, needsOf, newObjectId } from './contact-writer.js';
import { CreateContactCommand } from './create-contact.command.js';

@CommandHandler(CreateContactCommand)
export class CreateContactHandler implements ICommandHandler<CreateContactCommand, ContactView> {
  constructor(private readonly writer: ContactWriter) {}

  execute({ workspaceId, input, metadata }: CreateContactCommand): Promise<ContactView> {
    const id = newObjectId();
    return this.writer.write(workspaceId, id, metadata, needsOf(input), (_, context) => Contact.create(id, workspaceId, input, context));
  }
}
