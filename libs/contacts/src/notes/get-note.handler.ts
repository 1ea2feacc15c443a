import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ResourceNotFoundError } from '@app/intercom';
import { type NoteRecord, NoteRepository } from './note.repository.js';

export class GetNoteQuery extends Query<NoteRecord> {
  constructor(
    readonly workspaceId: string,
    readonly noteId: string,
  ) {
    super();
  }
}

@QueryHandler(GetNoteQuery)
export class GetNoteHandler implements IQueryHandler<GetNoteQuery, NoteRecord> {
  constructor(private readonly notes: NoteRepository) {}

  async execute({ workspaceId, noteId }: GetNoteQuery): Promise<NoteRecord> {
    const note = await this.notes.find(workspaceId, noteId);
    if (!note) throw new ResourceNotFoundError();
    return note;
  }
}
