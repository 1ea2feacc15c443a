import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import { EmbeddedSegments } from './company-segments.js';
import { type Company, CompanyViews } from './company-views.repository.js';

/** A company by its Intercom id. */
export class GetCompanyQuery extends Query<Company> {
  constructor(
    readonly workspaceId: string,
    readonly id: string,
  ) {
    super();
  }
}

/** GET /companies?company_id= or ?name=: one company, company_id first. */
export class FindCompanyQuery extends Query<Company> {
  constructor(
    readonly workspaceId: string,
    readonly by: { company_id?: string; name?: string },
  ) {
    super();
  }
}

@QueryHandler(GetCompanyQuery)
export class GetCompanyHandler implements IQueryHandler<GetCompanyQuery, Company> {
  constructor(
    private readonly companies: CompanyViews,
    private readonly segments: EmbeddedSegments,
  ) {}

  async execute({ workspaceId, id }: GetCompanyQuery): Promise<Company> {
    const company = await this.companies.find(workspaceId, id);
    if (!company) throw new CompanyNotFoundError();
    return this.segments.of(workspaceId, company);
  }
}

@QueryHandler(FindCompanyQuery)
export class FindCompanyHandler implements IQueryHandler<FindCompanyQuery, Company> {
  constructor(
    private readonly companies: CompanyViews,
    private readonly segments: EmbeddedSegments,
  ) {}

  async execute({ workspaceId, by }: FindCompanyQuery): Promise<Company> {
    const company = by.company_id !== undefined ? await this.companies.byCompanyId(workspaceId, by.company_id) : await this.companies.byName(workspaceId, by.name!);
    if (!company) throw new CompanyNotFoundError();
    return this.segments.of(workspaceId, company);
  }
}
