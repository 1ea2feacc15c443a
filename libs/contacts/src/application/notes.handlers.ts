import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError, NoteAuthorNotFoundError } from '../domain/contact.errors.js';
import { type NotePage, type NoteRecord, NoteRepository } from '../infrastructure/note.repository.js';
import { ContactWriter, newObjectId } from './contact-writer.js';
import { AddNoteCommand } from './notes.commands.js';
import { GetNoteQuery, ListNotesQuery } from './notes.queries.js';
import { isNumericId } from './numeric-id.js';

export class NoteNotFoundError extends Error {
  readonly code = 'not_found';
  constructor() {
    super('Resource Not Found');
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Intercom keeps note bodies as HTML: plain text is escaped and wrapped in a paragraph, markup is kept. */
export function noteHtml(text: string): string {
  if (/^\s*<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i.test(text)) return text;
  return `<p>${text.replace(/[&<>"']/g, (c) => ESCAPES[c])}</p>`;
}

/** Admin ids are bigint identities; anything else names no admin (and must not reach a ::bigint cast). */
export function parseAdminId(value: string | number): number | null {
  if (typeof value === 'string') return isNumericId(value) ? Number(value) : null;
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

@CommandHandler(AddNoteCommand)
export class AddNoteHandler implements ICommandHandler<AddNoteCommand, NoteRecord> {
  constructor(
    private readonly writer: ContactWriter,
    private readonly notes: NoteRepository,
  ) {}

  async execute({ workspaceId, contactId, text, adminId, metadata }: AddNoteCommand): Promise<NoteRecord> {
    const author = adminId === null ? await this.notes.firstAdminId(workspaceId) : parseAdminId(adminId);
    const noteId = newObjectId();
    const body = noteHtml(text);
    await this.writer.write(workspaceId, contactId, metadata, { adminId: author }, ({ contact }, context) => {
      if (!contact) throw new ContactNotFoundError();
      if (author === null) throw new NoteAuthorNotFoundError();
      contact.addNote(noteId, body, author, context);
      return contact;
    });
    // The inline projection wrote the row in the append transaction.
    const note = await this.notes.find(workspaceId, noteId);
    if (!note) throw new Error(`note ${noteId} was not projected`);
    return note;
  }
}

@QueryHandler(ListNotesQuery)
export class ListNotesHandler implements IQueryHandler<ListNotesQuery, NotePage> {
  constructor(private readonly notes: NoteRepository) {}

  async execute({ workspaceId, contactId, page, perPage }: ListNotesQuery): Promise<NotePage> {
    const found = await this.notes.page(workspaceId, contactId, perPage, (page - 1) * perPage);
    if (!found) throw new ContactNotFoundError();
    return found;
  }
}

@QueryHandler(GetNoteQuery)
export class GetNoteHandler implements IQueryHandler<GetNoteQuery, NoteRecord> {
  constructor(private readonly notes: NoteRepository) {}

  async execute({ workspaceId, noteId }: GetNoteQuery): Promise<NoteRecord> {
    const note = await this.notes.find(workspaceId, noteId);
    if (!note) throw new NoteNotFoundError();
    return note;
  }
}
