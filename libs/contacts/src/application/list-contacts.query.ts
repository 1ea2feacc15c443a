import { Query } from '@nestjs/cqrs';
import type { ContactView } from '../infrastructure/contact.repository.js';
import type { Page } from './search/search-plan.js';

export class ListContactsQuery extends Query<Page<ContactView>> {
  constructor(
    readonly workspaceId: string,
    readonly perPage: number,
    readonly startingAfter: string | null,
  ) {
    super();
  }
}
