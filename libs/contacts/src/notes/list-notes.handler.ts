import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { type NotePage, NoteRepository } from './note.repository.js';

/** One page of a contact's notes, newest first. `page` counts from 1. */
export class ListNotesQuery extends Query<NotePage> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly page: number,
    readonly perPage: number,
  ) {
    super();
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
