import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CursorInvalidError } from '@app/intercom';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import type { ContactState } from '../domain/contact.state.js';
import { MAX_LISTED } from './company.request.js';
import type { ListPage } from './company.response.js';
import { decodeContactKey, encodeContactKey } from './company-cursor.js';
import { CompanyViews } from './company-views.repository.js';

export const DEFAULT_CONTACTS_PER_PAGE = 50;

/** GET /companies/{id}/contacts: the contacts that hold the company, by contact id. */
export class ListCompanyContactsQuery extends Query<ListPage<ContactState>> {
  constructor(
    readonly workspaceId: string,
    readonly companyId: string,
    readonly params: { page?: number; per_page?: number; starting_after?: string },
  ) {
    super();
  }
}

/** company_contacts' primary key pages it: starting_after is one index range; a page number skips at most MAX_LISTED entries. */
@QueryHandler(ListCompanyContactsQuery)
export class ListCompanyContactsHandler implements IQueryHandler<ListCompanyContactsQuery, ListPage<ContactState>> {
  constructor(private readonly companies: CompanyViews) {}

  async execute({ workspaceId, companyId, params }: ListCompanyContactsQuery): Promise<ListPage<ContactState>> {
    const perPage = params.per_page ?? DEFAULT_CONTACTS_PER_PAGE;
    const page = params.page ?? 1;
    const after = params.starting_after === undefined ? null : decodeContactKey(params.starting_after);
    if (params.starting_after !== undefined && !after) throw new CursorInvalidError();
    const company = await this.companies.find(workspaceId, companyId);
    if (!company) throw new CompanyNotFoundError();
    const offset = after ? 0 : (page - 1) * perPage;
    const limit = after ? perPage : Math.max(0, Math.min(perPage, MAX_LISTED - offset));
    const rows = limit === 0 ? [] : await this.companies.contacts(workspaceId, companyId, after, offset, limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, total: company.user_count, page, perPage, next: rows.length > limit && last ? encodeContactKey(last.id) : null };
  }
}
