import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactViews } from '../store/contact-views.repository.js';
import { EmbeddedSegments } from './company-segments.js';
import { type Company, CompanyViews } from './company-views.repository.js';

export interface ContactCompaniesPage {
  companies: Company[];
  total: number;
  page: number;
  perPage: number;
}

/** One page of a contact's companies, in the order they were attached. */
export class ListContactCompaniesQuery extends Query<ContactCompaniesPage> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly page: number,
    readonly perPage: number,
  ) {
    super();
  }
}

@QueryHandler(ListContactCompaniesQuery)
export class ListContactCompaniesHandler implements IQueryHandler<ListContactCompaniesQuery, ContactCompaniesPage> {
  constructor(
    private readonly contacts: ContactViews,
    private readonly companies: CompanyViews,
    private readonly segments: EmbeddedSegments,
  ) {}

  async execute({ workspaceId, contactId, page, perPage }: ListContactCompaniesQuery): Promise<ContactCompaniesPage> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (!view) throw new ContactNotFoundError();
    const ids = view.state.company_ids;
    const companies = await this.segments.of(workspaceId, await this.companies.findMany(workspaceId, ids.slice((page - 1) * perPage, page * perPage)));
    return { companies, total: ids.length, page, perPage };
  }
}
