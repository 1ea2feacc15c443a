import { Query } from '@nestjs/cqrs';
import type { NotePage, NoteRecord } from '../infrastructure/note.repository.js';

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

export class GetNoteQuery extends Query<NoteRecord> {
  constructor(
    readonly workspaceId: string,
    readonly noteId: string,
  ) {
    super();
  }
}
