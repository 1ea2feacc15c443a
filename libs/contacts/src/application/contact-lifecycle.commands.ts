import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { ContactView } from '../infrastructure/contact.repository.js';

export type LifecycleAction = 'archive' | 'unarchive' | 'block' | 'delete';

/** Archive, unarchive, block or delete one contact. */
export class ChangeContactLifecycleCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly action: LifecycleAction,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** Merge the lead `fromId` into the user `intoId`. */
export class MergeContactsCommand extends Command<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly fromId: string,
    readonly intoId: string,
    readonly metadata: EventMetadata,
    /** 2.16 without skip_duplicate_validation: refuse contacts that share no email or phone. */
    readonly requireDuplicate = false,
  ) {
    super();
  }
}
