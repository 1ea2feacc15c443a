import { Inject, Optional } from '@nestjs/common';
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
 * is companies, segments/company-segment-reader.ts), and GET /companies/{id}/segments and GET /companies?segment_id=
 * answer from it. Unbound, a company is in no segment and a segment lists no company.
 */
export interface CompanySegments {
  /** The segments a company is in (bounded by the workspace's number of segments). */
  segmentsOf(workspaceId: string, companyId: string): Promise<SegmentItem[]>;
  /** A page of a segment's companies in the list order of `page` (limit is per_page + 1), with their total. */
  companies(workspaceId: string, segmentId: string, page: PageRequest): Promise<{ items: Company[]; total: number }>;
}

export const COMPANY_SEGMENTS = Symbol('COMPANY_SEGMENTS');

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
    return (await this.segments?.segmentsOf(workspaceId, companyId)) ?? [];
  }
}
