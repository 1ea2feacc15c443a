import { Inject, Optional } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CursorInvalidError } from '@app/intercom';
import { TagCatalog } from '../tags/tag-catalog.repository.js';
import { MAX_LISTED } from './company.request.js';
import type { ListPage } from './company.response.js';
import { decodeListKey, encodeListKey } from './company-cursor.js';
import { COMPANY_SEGMENTS, type CompanySegments, EmbeddedSegments } from './company-segments.js';
import { type Company, CompanyViews, type ListKey } from './company-views.repository.js';

export interface ListCompaniesParams {
  page?: number;
  per_page?: number;
  order?: 'asc' | 'desc';
  starting_after?: string;
  tag_id?: string;
  segment_id?: string;
}

/** A page of the workspace's companies, of a tag's or of a segment's, by creation time (desc by default). */
export class ListCompaniesQuery extends Query<ListPage<Company>> {
  constructor(
    readonly workspaceId: string,
    readonly params: ListCompaniesParams,
  ) {
    super();
  }
}

/** GET /companies/scroll: every company, oldest first, one page per call; the scroll_param is the position. */
export class ScrollCompaniesQuery extends Query<{ companies: Company[]; next: string | null }> {
  constructor(
    readonly workspaceId: string,
    readonly scrollParam: string | undefined,
  ) {
    super();
  }
}

export const DEFAULT_PER_PAGE = 15;
export const SCROLL_PAGE = 50;

/**
 * Page numbers are offsets into the list, up to Intercom's 10,000 (MAX_LISTED): a page costs at most that
 * many index entries, and past it a page is empty, as Intercom's is. starting_after (pages.next) is a
 * keyset position and costs one page wherever it is.
 */
@QueryHandler(ListCompaniesQuery)
export class ListCompaniesHandler implements IQueryHandler<ListCompaniesQuery, ListPage<Company>> {
  constructor(
    private readonly companies: CompanyViews,
    private readonly tags: TagCatalog,
    private readonly embedded: EmbeddedSegments,
    @Optional() @Inject(COMPANY_SEGMENTS) private readonly segments: CompanySegments | null,
  ) {}

  async execute({ workspaceId, params }: ListCompaniesQuery): Promise<ListPage<Company>> {
    const page = await this.page(workspaceId, params);
    return { ...page, items: await this.embedded.of(workspaceId, page.items) };
  }

  private async page(workspaceId: string, params: ListCompaniesParams): Promise<ListPage<Company>> {
    const perPage = params.per_page ?? DEFAULT_PER_PAGE;
    const page = params.page ?? 1;
    const after = params.starting_after === undefined ? null : decodeListKey(params.starting_after);
    if (params.starting_after !== undefined && !after) throw new CursorInvalidError();
    const offset = (page - 1) * perPage;
    const limit = after ? perPage : Math.max(0, Math.min(perPage, MAX_LISTED - offset));
    const request = { order: params.order ?? 'desc', after, offset, limit: limit + 1 } as const;
    if (params.segment_id !== undefined) {
      const found = (await this.segments?.companies(workspaceId, params.segment_id, request)) ?? { items: [], total: 0 };
      return pageOf(found.items, found.total, page, perPage, limit);
    }
    // A deleted tag lists no company at once, while its walk still untags them (tags/tag-detacher.ts).
    if (params.tag_id !== undefined && !(await this.tags.find(workspaceId, params.tag_id))) return pageOf([], 0, page, perPage, limit);
    const [items, total] = await Promise.all([
      limit === 0 ? [] : params.tag_id !== undefined ? this.companies.tagged(workspaceId, params.tag_id, request) : this.companies.page(workspaceId, request),
      this.companies.count(workspaceId, params.tag_id),
    ]);
    return pageOf(items, total, page, perPage, limit);
  }
}

function pageOf(rows: Company[], total: number, page: number, perPage: number, limit: number): ListPage<Company> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, total, page, perPage, next: rows.length > limit && last ? encodeListKey(keyOf(last)) : null };
}

const keyOf = (company: Company): ListKey => ({ created_at: company.state.created_at, id: company.state.id });

@QueryHandler(ScrollCompaniesQuery)
export class ScrollCompaniesHandler implements IQueryHandler<ScrollCompaniesQuery, { companies: Company[]; next: string | null }> {
  constructor(
    private readonly companies: CompanyViews,
    private readonly segments: EmbeddedSegments,
  ) {}

  async execute({ workspaceId, scrollParam }: ScrollCompaniesQuery) {
    const after = scrollParam === undefined ? null : decodeListKey(scrollParam);
    if (scrollParam !== undefined && !after) throw new CursorInvalidError('scroll_param');
    const companies = await this.companies.page(workspaceId, { order: 'asc', after, offset: 0, limit: SCROLL_PAGE });
    // Every page with companies hands on a scroll_param; the empty page after the last one ends the scroll.
    const last = companies[companies.length - 1];
    return { companies: await this.segments.of(workspaceId, companies), next: last ? encodeListKey(keyOf(last)) : null };
  }
}
