import { Injectable } from '@nestjs/common';
import type { DataType } from '../domain/contact.state.js';
import { mentionsCustomAttributes } from '../search/search-fields.js';
import { DecisionContexts } from '../store/decision-context.js';
import { type Segment, SegmentCatalog } from './segment-catalog.repository.js';
import { SegmentMembership } from './segment-membership.repository.js';

/**
 * Segments as other features read them: GET /contacts/{id}/segments here, and a company's segments (companies/),
 * which can ask for the segments any of some of its contacts (at most MAX_MEMBERSHIP_CONTACTS) is in.
 */
@Injectable()
export class SegmentReader {
  constructor(
    private readonly catalog: SegmentCatalog,
    private readonly membership: SegmentMembership,
    private readonly contexts: DecisionContexts,
  ) {}

  /** The workspace's segments, oldest first, each with its member count when asked. */
  async list(workspaceId: string, withCounts: boolean): Promise<{ segment: Segment; count?: number }[]> {
    const segments = await this.catalog.list(workspaceId);
    if (!withCounts) return segments.map((segment) => ({ segment }));
    const counts = await this.membership.counts(workspaceId, segments, await this.attributes(workspaceId, segments));
    return segments.map((segment, i) => ({ segment, count: counts[i] }));
  }

  /** The workspace's segments that at least one of these contacts is in, oldest first. */
  async ofContacts(workspaceId: string, contactIds: readonly string[]): Promise<Segment[]> {
    const segments = await this.catalog.list(workspaceId);
    if (segments.length === 0) return [];
    return this.membership.matching(workspaceId, contactIds, segments, await this.attributes(workspaceId, segments));
  }

  // Archived data attributes are not searchable: read fresh, as a search does, when a query names any.
  private async attributes(workspaceId: string, segments: readonly Segment[]): Promise<ReadonlyMap<string, DataType>> {
    if (!mentionsCustomAttributes(...segments.map((segment) => segment.query))) return new Map();
    return (await this.contexts.get(workspaceId, true)).context.dataAttributes;
  }
}
