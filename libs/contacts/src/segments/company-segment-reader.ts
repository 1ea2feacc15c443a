import { Injectable } from '@nestjs/common';
import type { CompanySegments, SegmentItem } from '../companies/company-segments.js';
import { type Company, CompanyViews, type PageRequest } from '../companies/company-views.repository.js';
import type { DataType } from '../domain/contact.state.js';
import { mentionsCustomAttributes } from '../search/search-fields.js';
import { CompanySegmentMembers } from './company-segment-members.repository.js';
import { type Segment, SegmentCatalog } from './segment-catalog.repository.js';
import { renderSegment } from './segment.response.js';

/** Counts of one GET /segments?include_count=true in flight together, as for contact segments. */
const COUNT_CONCURRENCY = 4;

/**
 * Company segments as companies/ reads them (bound to COMPANY_SEGMENTS): GET /companies/{id}/segments, the
 * `segments` list of every company object the API answers, and GET /companies?segment_id=. Only segments whose target is companies: a contact segment's id lists no company,
 * as an unknown id does.
 */
@Injectable()
export class CompanySegmentReader implements CompanySegments {
  constructor(
    private readonly catalog: SegmentCatalog,
    private readonly members: CompanySegmentMembers,
    private readonly views: CompanyViews,
  ) {}

  async segmentsOf(workspaceId: string, companyIds: readonly string[]): Promise<Map<string, SegmentItem[]>> {
    const segments = companyIds.length === 0 ? [] : await this.catalog.list(workspaceId, 'companies');
    if (segments.length === 0) return new Map(companyIds.map((id) => [id, []]));
    const matched = await this.members.matching(workspaceId, companyIds, segments, await this.attributes(workspaceId, segments));
    return new Map([...matched].map(([id, found]) => [id, found.map((segment) => renderSegment(segment))]));
  }

  async companies(workspaceId: string, segmentId: string, page: PageRequest): Promise<{ items: Company[]; total: number }> {
    const [segment] = await this.catalog.findMany(workspaceId, [segmentId], 'companies');
    if (!segment) return { items: [], total: 0 };
    const attributes = await this.attributes(workspaceId, [segment]);
    const [ids, total] = await Promise.all([
      this.members.page(workspaceId, segment, attributes, page),
      this.members.count(workspaceId, segment, attributes),
    ]);
    return { items: await this.views.findMany(workspaceId, ids), total };
  }

  /** Each company segment's companies, in their order (GET /segments?include_count=true). */
  async counts(workspaceId: string, segments: readonly Segment[]): Promise<number[]> {
    if (segments.length === 0) return [];
    const attributes = await this.attributes(workspaceId, segments);
    const counts: number[] = [];
    for (let i = 0; i < segments.length; i += COUNT_CONCURRENCY) {
      const chunk = segments.slice(i, i + COUNT_CONCURRENCY);
      counts.push(...(await Promise.all(chunk.map((segment) => this.members.count(workspaceId, segment, attributes)))));
    }
    return counts;
  }

  // Archived data attributes are not searchable: read fresh, when a query names any.
  private async attributes(workspaceId: string, segments: readonly Segment[]): Promise<ReadonlyMap<string, DataType>> {
    if (!mentionsCustomAttributes(...segments.map((segment) => segment.query))) return new Map();
    return this.members.attributes(workspaceId);
  }
}
