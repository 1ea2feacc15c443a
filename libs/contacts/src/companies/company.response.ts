import type { Company } from './company-views.repository.js';
import type { ContactCompaniesPage } from './list-contact-companies.handler.js';

/**
 * Intercom's company object, in the key order of the documented examples. Like them, it leaves out
 * size, website, industry and last_request_at when unset. The SDK types `name` as a string: an unnamed
 * company answers ''. Sessions are not tracked here (0); `segments` are the company segments it matches
 * (EmbeddedSegments), empty where they were not probed (webhook notifications).
 */
export function renderCompany({ state: c, user_count, last_request_at, tags, segments = [] }: Company): Record<string, unknown> {
  return {
    type: 'company',
    company_id: c.company_id,
    id: c.id,
    app_id: c.workspace_id,
    name: c.name ?? '',
    remote_created_at: c.remote_created_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
    ...(last_request_at !== null ? { last_request_at } : {}),
    monthly_spend: c.monthly_spend ?? 0,
    session_count: 0,
    user_count,
    ...(c.size !== null ? { size: c.size } : {}),
    ...(c.website !== null ? { website: c.website } : {}),
    ...(c.industry !== null ? { industry: c.industry } : {}),
    tags: { type: 'tag.list', tags: tags.map((tag) => ({ type: 'tag', id: tag.id, name: tag.name })) },
    segments: { type: 'segment.list', segments },
    plan: c.plan !== null ? { type: 'plan', id: c.plan_id, name: c.plan } : {},
    custom_attributes: c.custom_attributes,
  };
}

/** Intercom's deleted_company_object. */
export const renderDeletedCompany = (id: string) => ({ id, object: 'company', deleted: true });

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

/** A page of a list (GET /companies, POST /companies/list, ?tag_id=, /companies/{id}/contacts) in Intercom's company_list shape. */
export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
  /** The cursor of the next page, null on the last one. */
  next: string | null;
}

export function renderListPage<T>(page: ListPage<T>, render: (item: T) => unknown) {
  return {
    type: 'list',
    data: page.items.map(render),
    pages: {
      type: 'pages',
      next: page.next ? { per_page: page.perPage, starting_after: page.next } : null,
      page: page.page,
      per_page: page.perPage,
      total_pages: Math.ceil(page.total / page.perPage),
    },
    total_count: page.total,
  };
}

/** Intercom's company_scroll: no pages nor total; an exhausted scroll answers no data and no scroll_param. */
export const renderScroll = (companies: Company[], scrollParam: string | null) => ({
  type: 'list',
  data: companies.map(renderCompany),
  pages: null,
  total_count: null,
  scroll_param: scrollParam,
});
