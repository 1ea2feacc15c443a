import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { ApiVersion } from '@app/intercom';
import type { ContactView } from '../store/contact.repository.js';
import { DecisionContexts } from '../store/decision-context.js';
import { SegmentCatalog } from '../segments/segment-catalog.repository.js';
import { ContactListRepository } from './contact-list.repository.js';
import { namedSegments } from './search-compiler.js';
import { type SavedSearch, type SearchContext, mentionsCustomAttributes } from './search-fields.js';
import { SearchQueryInvalidError } from './search.errors.js';
import { type Page, type SearchPlan, planSearch, toPage } from './search-plan.js';

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
    const rowIndexes = this.contacts.rowIndexesServe(workspaceId);
    const planWith = (attributes: SearchContext['attributes']) =>
      planSearch({ workspaceId, query, sort, perPage, startingAfter, context: { attributes, version, segments }, rowIndexes });
    const plan = mentionsCustomAttributes(query, sort, ...[...segments.values()].map((segment) => segment.query))
      ? await this.planOnAttributes(workspaceId, planWith)
      : planWith(new Map());
    const { rows, total } = await this.contacts.page(plan);
    return toPage(plan, rows, total);
  }

  /**
   * Plans on the workspace's data attributes as this process knows them (DecisionContexts: at most 5 s old, as a
   * write decides). A query refused on remembered attributes is planned again on fresh ones, so an attribute another
   * replica has just created is found; one it has just archived stays searchable here for those seconds, as writable.
   */
  private async planOnAttributes(workspaceId: string, planWith: (attributes: SearchContext['attributes']) => SearchPlan): Promise<SearchPlan> {
    const { context, cached } = await this.contexts.get(workspaceId);
    try {
      return planWith(context.dataAttributes);
    } catch (error) {
      if (!cached || !(error instanceof SearchQueryInvalidError)) throw error;
      return planWith((await this.contexts.get(workspaceId, true)).context.dataAttributes);
    }
  }
}
