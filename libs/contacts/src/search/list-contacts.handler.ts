import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DEFAULT_VERSION } from '@app/intercom';
import type { ContactView } from '../store/contact.repository.js';
import { ContactListRepository } from './contact-list.repository.js';
import { type Page, planSearch, toPage } from './search-plan.js';

export class ListContactsQuery extends Query<Page<ContactView>> {
  constructor(
    readonly workspaceId: string,
    readonly perPage: number,
    readonly startingAfter: string | null,
  ) {
    super();
  }
}

@QueryHandler(ListContactsQuery)
export class ListContactsHandler implements IQueryHandler<ListContactsQuery, Page<ContactView>> {
  constructor(private readonly contacts: ContactListRepository) {}

  async execute({ workspaceId, perPage, startingAfter }: ListContactsQuery): Promise<Page<ContactView>> {
    // The list has neither filter nor sort: its plan needs no data attributes and no version.
    const plan = planSearch({ workspaceId, perPage, startingAfter, context: { attributes: new Map(), version: DEFAULT_VERSION } });
    const { rows, total } = await this.contacts.page(plan);
    return toPage(plan, rows, total);
  }
}
