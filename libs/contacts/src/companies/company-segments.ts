import { Inject, Injectable, Optional } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import { type Company, CompanyViews, type PageRequest } from './company-views.repository.js';

/** A segment as Intercom's company_attached_segments lists it. */
export interface SegmentItem {
  type: 'segment';
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  person_type: 'contact' | 'user';
}

/**
 * The seam to segments: the segments feature binds COMPANY_SEGMENTS to its company segments (segments whose target
 * is companies, segments/company-segment-reader.ts), and GET /companies/{id}/segments, the company object's embedded
 * `segments` and GET /companies?segment_id= answer from it. Unbound, a company is in no segment and a segment lists
 * no company.
 */
export interface CompanySegments {
  /**
   * The segments each company is in, by company id: probes of those companies' rows together, a statement per 25
   * segments (bounded by the workspace's segments, 100, whatever the number of companies, at most a page).
   */
  segmentsOf(workspaceId: string, companyIds: readonly string[]): Promise<Map<string, SegmentItem[]>>;
  /** A page of a segment's companies in the list order of `page` (limit is per_page + 1), with their total. */
  companies(workspaceId: string, segmentId: string, page: PageRequest): Promise<{ items: Company[]; total: number }>;
}

export const COMPANY_SEGMENTS = Symbol('COMPANY_SEGMENTS');

/**
 * Fills the `segments` list of the company objects a request answers: one company (GET, POST, PUT, attach, detach,
 * ?company_id=, ?name=) or a page (lists, scroll, a contact's companies: at most 150), in one probe per 25 segments.
 */
@Injectable()
export class EmbeddedSegments {
  constructor(@Optional() @Inject(COMPANY_SEGMENTS) private readonly segments: CompanySegments | null) {}

  async of<T extends Company | Company[]>(workspaceId: string, companies: T): Promise<T> {
    const list: Company[] = Array.isArray(companies) ? companies : [companies];
    const found = (await this.segments?.segmentsOf(workspaceId, list.map((company) => company.state.id))) ?? new Map<string, SegmentItem[]>();
    const filled = list.map((company) => ({ ...company, segments: found.get(company.state.id) ?? [] }));
    return (Array.isArray(companies) ? filled : filled[0]) as T;
  }
}

export class ListCompanySegmentsQuery extends Query<SegmentItem[]> {
  constructor(
    readonly workspaceId: string,
    readonly companyId: string,
  ) {
    super();
  }
}

@QueryHandler(ListCompanySegmentsQuery)
export class ListCompanySegmentsHandler implements IQueryHandler<ListCompanySegmentsQuery, SegmentItem[]> {
  constructor(
    private readonly companies: CompanyViews,
    @Optional() @Inject(COMPANY_SEGMENTS) private readonly segments: CompanySegments | null,
  ) {}

  async execute({ workspaceId, companyId }: ListCompanySegmentsQuery): Promise<SegmentItem[]> {
    if (!(await this.companies.find(workspaceId, companyId))) throw new CompanyNotFoundError();
    return (await this.segments?.segmentsOf(workspaceId, [companyId]))?.get(companyId) ?? [];
  }
}
