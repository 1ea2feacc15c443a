import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { newObjectId } from '@app/intercom';
import { CompanyRepository } from '../companies/company.repository.js';
import { addCompanyNote } from '../domain/company.aggregate.js';
import { noteHtml, parseAdminId } from '../notes/note-html.js';
import { type CompanyNoteRecord, CompanyNoteRepository } from './company-note.repository.js';

/** Add a note to a company (2.16). `adminId` as sent (a string or a number); absent means the token's admin. */
export class AddCompanyNoteCommand extends Command<CompanyNoteRecord> {
  constructor(
    readonly workspaceId: string,
    readonly companyId: string,
    readonly text: string,
    readonly adminId: string | number | null,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(AddCompanyNoteCommand)
export class AddCompanyNoteHandler implements ICommandHandler<AddCompanyNoteCommand, CompanyNoteRecord> {
  constructor(
    private readonly companies: CompanyRepository,
    private readonly notes: CompanyNoteRepository,
  ) {}

  async execute({ workspaceId, companyId, text, adminId, metadata }: AddCompanyNoteCommand): Promise<CompanyNoteRecord> {
    const noteId = newObjectId();
    const body = noteHtml(text);
    // Absent, the author is the admin the token acts for (the workspace's first, as for a contact's notes). An id that
    // names no admin of the workspace is a 404, decided after the company's own 404.
    const wanted = adminId === null ? null : parseAdminId(adminId);
    const author = adminId !== null && wanted === null ? null : await this.notes.author(workspaceId, wanted);
    await this.companies.change(workspaceId, companyId, metadata, (state, now) => addCompanyNote(state, noteId, body, author, now));
    // The inline projection wrote the row in the append transaction.
    const note = await this.notes.find(workspaceId, noteId);
    if (!note) throw new Error(`company note ${noteId} was not projected`);
    return note;
  }
}
