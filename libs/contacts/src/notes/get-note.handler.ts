import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ResourceNotFoundError } from '@app/intercom';
import { type CompanyNoteRecord, CompanyNoteRepository } from '../company-notes/company-note.repository.js';
import { type NoteRecord, NoteRepository } from './note.repository.js';

/** A note of a contact, or (2.16) of a company: Intercom's `note` is "attached to either a contact or a company". */
export type FoundNote = { contact: NoteRecord } | { company: CompanyNoteRecord };

export class GetNoteQuery extends Query<FoundNote> {
  constructor(
    readonly workspaceId: string,
    readonly noteId: string,
    /** Company notes exist from 2.16 on: before, a company note's id is no note's. */
    readonly companyNotes: boolean,
  ) {
    super();
  }
}

@QueryHandler(GetNoteQuery)
export class GetNoteHandler implements IQueryHandler<GetNoteQuery, FoundNote> {
  constructor(
    private readonly notes: NoteRepository,
    private readonly companyNotes: CompanyNoteRepository,
  ) {}

  // Two primary-key reads at most: note ids are object ids, drawn for contact and company notes alike.
  async execute({ workspaceId, noteId, companyNotes }: GetNoteQuery): Promise<FoundNote> {
    const note = await this.notes.find(workspaceId, noteId);
    if (note) return { contact: note };
    const companyNote = companyNotes ? await this.companyNotes.find(workspaceId, noteId) : null;
    if (companyNote) return { company: companyNote };
    throw new ResourceNotFoundError();
  }
}
