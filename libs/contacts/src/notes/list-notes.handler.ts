import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { type NotePage, type NotePageStart, NoteRepository } from './note.repository.js';

/** One page of a contact's notes, newest first, from a numbered page's offset or a cursor's position. */
export class ListNotesQuery extends Query<NotePage> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly start: NotePageStart,
    readonly perPage: number,
  ) {
    super();
  }
}

@QueryHandler(ListNotesQuery)
export class ListNotesHandler implements IQueryHandler<ListNotesQuery, NotePage> {
  constructor(private readonly notes: NoteRepository) {}

  async execute({ workspaceId, contactId, start, perPage }: ListNotesQuery): Promise<NotePage> {
    const found = await this.notes.page(workspaceId, contactId, perPage, start);
    if (!found) throw new ContactNotFoundError();
    return found;
  }
}
