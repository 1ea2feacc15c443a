import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type Company, CompanyCatalog, CompanyNotFoundError } from './company-catalog.repository.js';

/** A company by its Intercom id. */
export class GetCompanyQuery extends Query<Company> {
  constructor(
    readonly workspaceId: string,
    readonly id: string,
  ) {
    super();
  }
}

@QueryHandler(GetCompanyQuery)
export class GetCompanyHandler implements IQueryHandler<GetCompanyQuery, Company> {
  constructor(private readonly companies: CompanyCatalog) {}

  async execute({ workspaceId, id }: GetCompanyQuery): Promise<Company> {
    const company = await this.companies.find(workspaceId, id);
    if (!company) throw new CompanyNotFoundError();
    return company;
  }
}
