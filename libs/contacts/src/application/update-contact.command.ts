import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { ContactPatch } from '../domain/contact.aggregate.js';
import type { ContactView } from '../infrastructure/contact.repository.js';

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
