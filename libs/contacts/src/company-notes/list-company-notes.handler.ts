import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import { type CompanyNotePage, type CompanyNotePageStart, CompanyNoteRepository } from './company-note.repository.js';

/** One page of a company's notes, newest first, from a numbered page's offset or a cursor's position. */
export class ListCompanyNotesQuery extends Query<CompanyNotePage> {
  constructor(
    readonly workspaceId: string,
    readonly companyId: string,
    readonly start: CompanyNotePageStart,
    readonly perPage: number,
  ) {
    super();
  }
}

@QueryHandler(ListCompanyNotesQuery)
export class ListCompanyNotesHandler implements IQueryHandler<ListCompanyNotesQuery, CompanyNotePage> {
  constructor(private readonly notes: CompanyNoteRepository) {}

  async execute({ workspaceId, companyId, start, perPage }: ListCompanyNotesQuery): Promise<CompanyNotePage> {
    const found = await this.notes.page(workspaceId, companyId, perPage, start);
    if (!found) throw new CompanyNotFoundError();
    return found;
  }
}
