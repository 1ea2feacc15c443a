import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { DataType } from '../domain/contact.aggregate.js';
import { ContactListRepository } from '../infrastructure/contact-list.repository.js';
import type { ContactView } from '../infrastructure/contact.repository.js';
import { DataAttributesService } from './data-attributes.service.js';
import { mentionsCustomAttributes } from './search/search-fields.js';
import { type Page, planSearch, toPage } from './search/search-plan.js';
import { SearchContactsQuery } from './search-contacts.query.js';

@QueryHandler(SearchContactsQuery)
export class SearchContactsHandler implements IQueryHandler<SearchContactsQuery, Page<ContactView>> {
  constructor(
    private readonly contacts: ContactListRepository,
    private readonly dataAttributes: DataAttributesService,
  ) {}

  async execute({ workspaceId, query, perPage, startingAfter, sort, version }: SearchContactsQuery): Promise<Page<ContactView>> {
    const attributes = mentionsCustomAttributes(query, sort) ? await this.customAttributes(workspaceId) : new Map<string, DataType>();
    const plan = planSearch({ workspaceId, query, sort, perPage, startingAfter, context: { attributes, version } });
    const { rows, total } = await this.contacts.page(plan);
    return toPage(plan, rows, total);
  }

  /** Archived data attributes are not searchable, as they are not writable. */
  private async customAttributes(workspaceId: string): Promise<Map<string, DataType>> {
    const all = await this.dataAttributes.list(workspaceId, 'contact', false);
    return new Map(all.filter((a) => a.custom).map((a) => [a.name, a.data_type]));
  }
}
