import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { ContactPatch } from '../domain/contact.aggregate.js';
import type { ContactView } from '../infrastructure/contact.repository.js';

export class CreateContactCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly input: ContactPatch,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
