import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactViews } from '../store/contact-views.repository.js';
import { type Segment, SegmentCatalog, SegmentNotFoundError, type SegmentTarget } from './segment-catalog.repository.js';
import { SegmentReader } from './segment-reader.js';

export type CountedSegment = { segment: Segment; count?: number };

/** GET /segments: every segment of the workspace (or of one target), with its member count on include_count=true. */
export class ListSegmentsQuery extends Query<CountedSegment[]> {
  constructor(
    readonly workspaceId: string,
    readonly includeCount: boolean,
    readonly target?: SegmentTarget,
  ) {
    super();
  }
}

@QueryHandler(ListSegmentsQuery)
export class ListSegmentsHandler implements IQueryHandler<ListSegmentsQuery, CountedSegment[]> {
  constructor(private readonly segments: SegmentReader) {}

  execute({ workspaceId, includeCount, target }: ListSegmentsQuery): Promise<CountedSegment[]> {
    return this.segments.list(workspaceId, includeCount, target);
  }
}

/** GET /segments/{id} (and the service's own definition of it). */
export class FindSegmentQuery extends Query<Segment> {
  constructor(
    readonly workspaceId: string,
    readonly id: string,
  ) {
    super();
  }
}

@QueryHandler(FindSegmentQuery)
export class FindSegmentHandler implements IQueryHandler<FindSegmentQuery, Segment> {
  constructor(private readonly catalog: SegmentCatalog) {}

  async execute({ workspaceId, id }: FindSegmentQuery): Promise<Segment> {
    const segment = await this.catalog.find(workspaceId, id);
    if (!segment) throw new SegmentNotFoundError();
    return segment;
  }
}

/** GET /contacts/{id}/segments: the contact segments whose query the contact matches now. */
export class ListContactSegmentsQuery extends Query<Segment[]> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
  ) {
    super();
  }
}

@QueryHandler(ListContactSegmentsQuery)
export class ListContactSegmentsHandler implements IQueryHandler<ListContactSegmentsQuery, Segment[]> {
  constructor(
    private readonly contacts: ContactViews,
    private readonly segments: SegmentReader,
  ) {}

  async execute({ workspaceId, contactId }: ListContactSegmentsQuery): Promise<Segment[]> {
    if (!(await this.contacts.find(workspaceId, contactId))) throw new ContactNotFoundError();
    return this.segments.ofContacts(workspaceId, [contactId]);
  }
}
