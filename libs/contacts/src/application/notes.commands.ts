import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { NoteRecord } from '../infrastructure/note.repository.js';

/** Add a note to a contact. `adminId` as sent (a string or a number); absent means the token's admin. */
export class AddNoteCommand extends Command<NoteRecord> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly text: string,
    readonly adminId: string | number | null,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
