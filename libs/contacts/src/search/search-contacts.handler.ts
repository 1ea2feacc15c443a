import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ApiVersion } from '@app/intercom';
import type { DataType } from '../domain/contact.state.js';
import type { ContactView } from '../store/contact.repository.js';
import { DecisionContexts } from '../store/decision-context.js';
import { SegmentCatalog } from '../segments/segment-catalog.repository.js';
import { ContactListRepository } from './contact-list.repository.js';
import { namedSegments } from './search-compiler.js';
import { type SavedSearch, mentionsCustomAttributes } from './search-fields.js';
import { type Page, planSearch, toPage } from './search-plan.js';

export class SearchContactsQuery extends Query<Page<ContactView>> {
  constructor(
    readonly workspaceId: string,
    /** The search DSL as sent; the compiler validates it. */
    readonly query: unknown,
    readonly perPage: number,
    readonly startingAfter: string | null,
    /** Intercom 2.16's sort, or undefined when the version does not have it. */
    readonly sort: unknown,
    readonly version: ApiVersion,
  ) {
    super();
  }
}

@QueryHandler(SearchContactsQuery)
export class SearchContactsHandler implements IQueryHandler<SearchContactsQuery, Page<ContactView>> {
  constructor(
    private readonly contacts: ContactListRepository,
    private readonly contexts: DecisionContexts,
    private readonly segments: SegmentCatalog,
  ) {}

  async execute({ workspaceId, query, perPage, startingAfter, sort, version }: SearchContactsQuery): Promise<Page<ContactView>> {
    // segment_id filters inline the segments' queries: read the segments named first (the compiler reads no table).
    // A company segment's id is read as no segment: it has no contacts.
    const named = namedSegments(query);
    const segments: Map<string, SavedSearch> = new Map((await this.segments.findMany(workspaceId, named, 'contacts')).map((segment) => [segment.id, segment]));
    // Archived data attributes are not searchable, as they are not writable; read fresh, as a write would.
    const attributes = mentionsCustomAttributes(query, sort, ...[...segments.values()].map((segment) => segment.query))
      ? (await this.contexts.get(workspaceId, true)).context.dataAttributes
      : new Map<string, DataType>();
    const plan = planSearch({ workspaceId, query, sort, perPage, startingAfter, context: { attributes, version, segments } });
    const { rows, total } = await this.contacts.page(plan);
    return toPage(plan, rows, total);
  }
}
