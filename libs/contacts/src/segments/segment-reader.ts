import { Injectable } from '@nestjs/common';
import type { DataType } from '../domain/contact.state.js';
import { mentionsCustomAttributes } from '../search/search-fields.js';
import { DecisionContexts } from '../store/decision-context.js';
import { CompanySegmentReader } from './company-segment-reader.js';
import { type Segment, SegmentCatalog, type SegmentTarget } from './segment-catalog.repository.js';
import { SegmentMembership } from './segment-membership.repository.js';

/**
 * Segments as other features read them: GET /segments (contact and company segments), GET /contacts/{id}/segments
 * (contact segments only); a company's segments are CompanySegmentReader's.
 */
@Injectable()
export class SegmentReader {
  constructor(
    private readonly catalog: SegmentCatalog,
    private readonly membership: SegmentMembership,
    private readonly contexts: DecisionContexts,
    private readonly companies: CompanySegmentReader,
  ) {}

  /**
   * The workspace's segments (of one target when given), oldest first, each with its member count when asked: the
   * contacts a contact segment holds, the companies a company segment holds.
   */
  async list(workspaceId: string, withCounts: boolean, target?: SegmentTarget): Promise<{ segment: Segment; count?: number }[]> {
    const segments = await this.catalog.list(workspaceId, target);
    if (!withCounts) return segments.map((segment) => ({ segment }));
    const ofContacts = segments.filter((segment) => segment.target === 'contacts');
    const ofCompanies = segments.filter((segment) => segment.target === 'companies');
    const [contactCounts, companyCounts] = await Promise.all([
      this.membership.counts(workspaceId, ofContacts, await this.attributes(workspaceId, ofContacts)),
      this.companies.counts(workspaceId, ofCompanies),
    ]);
    const counts = new Map([...ofContacts.map((segment, i) => [segment.id, contactCounts[i]] as const), ...ofCompanies.map((segment, i) => [segment.id, companyCounts[i]] as const)]);
    return segments.map((segment) => ({ segment, count: counts.get(segment.id) }));
  }

  /** The workspace's contact segments that at least one of these contacts is in, oldest first. */
  async ofContacts(workspaceId: string, contactIds: readonly string[]): Promise<Segment[]> {
    const segments = await this.catalog.list(workspaceId, 'contacts');
    if (segments.length === 0) return [];
    return this.membership.matching(workspaceId, contactIds, segments, await this.attributes(workspaceId, segments));
  }

  // Archived data attributes are not searchable: read fresh, as a search does, when a query names any.
  private async attributes(workspaceId: string, segments: readonly Segment[]): Promise<ReadonlyMap<string, DataType>> {
    if (!mentionsCustomAttributes(...segments.map((segment) => segment.query))) return new Map();
    return (await this.contexts.get(workspaceId, true)).context.dataAttributes;
  }
}
