import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ContactListRepository } from '../infrastructure/contact-list.repository.js';
import type { ContactView } from '../infrastructure/contact.repository.js';
import { ListContactsQuery } from './list-contacts.query.js';
import { DEFAULT_VERSION } from '../http/intercom-version.js';
import { type Page, planSearch, toPage } from './search/search-plan.js';

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
