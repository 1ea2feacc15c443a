import type { Company } from './company-catalog.repository.js';
import type { ContactCompaniesPage } from './list-contact-companies.handler.js';

/**
 * Intercom's company object, in the key order of the documented examples. Like them, it leaves out
 * size, website and industry when unset; there are no sessions, company tags or segments here.
 */
export function renderCompany(c: Company): Record<string, unknown> {
  return {
    type: 'company',
    company_id: c.company_id,
    id: c.id,
    app_id: c.workspace_id,
    name: c.name,
    remote_created_at: c.remote_created_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
    monthly_spend: c.monthly_spend ?? 0,
    session_count: 0,
    user_count: c.user_count,
    ...(c.size !== null ? { size: c.size } : {}),
    ...(c.website !== null ? { website: c.website } : {}),
    ...(c.industry !== null ? { industry: c.industry } : {}),
    tags: { type: 'tag.list', tags: [] },
    segments: { type: 'segment.list', segments: [] },
    // Plans are only names here: there is no plan catalogue to give them ids.
    plan: c.plan !== null ? { type: 'plan', name: c.plan } : {},
    custom_attributes: c.custom_attributes,
  };
}

export function renderCompanyPage(contactId: string, { companies, total, page, perPage }: ContactCompaniesPage) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const items = companies.map(renderCompany);
  return {
    type: 'list',
    data: items,
    // The spec's example says `data`, its schema (and so the official SDK's pager) says `companies`: send both.
    companies: items,
    pages: {
      type: 'pages',
      next: page < totalPages ? `/contacts/${contactId}/companies?page=${page + 1}&per_page=${perPage}` : null,
      page,
      per_page: perPage,
      total_pages: totalPages,
    },
    total_count: total,
  };
}
