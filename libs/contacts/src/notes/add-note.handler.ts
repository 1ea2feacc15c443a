import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { newObjectId } from '@app/intercom';
import { addNote, firstAdmin } from '../domain/contact-relations.aggregate.js';
import { NoteAuthorNotFoundError } from '../domain/contact.errors.js';
import { ContactRepository } from '../store/contact.repository.js';
import { noteHtml, parseAdminId } from './note-html.js';
import { type NoteRecord, NoteRepository } from './note.repository.js';

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

@CommandHandler(AddNoteCommand)
export class AddNoteHandler implements ICommandHandler<AddNoteCommand, NoteRecord> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly notes: NoteRepository,
  ) {}

  async execute({ workspaceId, contactId, text, adminId, metadata }: AddNoteCommand): Promise<NoteRecord> {
    const noteId = newObjectId();
    const body = noteHtml(text);
    await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => {
      // Absent, the author is the admin the token acts for.
      const author = adminId === null ? firstAdmin(context.admins) : parseAdminId(adminId);
      if (author === null) throw new NoteAuthorNotFoundError();
      return addNote(contact, noteId, body, author, context);
    });
    // The inline projection wrote the row in the append transaction.
    const note = await this.notes.find(workspaceId, noteId);
    if (!note) throw new Error(`note ${noteId} was not projected`);
    return note;
  }
}
