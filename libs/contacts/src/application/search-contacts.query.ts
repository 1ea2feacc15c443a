import { Query } from '@nestjs/cqrs';
import type { ApiVersion } from '../http/intercom-version.js';
import type { ContactView } from '../infrastructure/contact.repository.js';
import type { Page } from './search/search-plan.js';

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
