import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SegmentsModule } from '../segments/segments.module.js';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { ContactListRepository } from './contact-list.repository.js';
import { ContactsListController } from './contacts-list.controller.js';
import { ListContactsHandler } from './list-contacts.handler.js';
import { SearchContactsHandler } from './search-contacts.handler.js';

/**
 * GET /contacts and POST /contacts/search: keyset pages of the read model, Intercom's search DSL compiled to SQL
 * (a segment_id filter inlines the segment's query, from SegmentsModule's catalog).
 */
@Module({
  imports: [CqrsModule, ContactStoreModule, SegmentsModule],
  controllers: [ContactsListController],
  providers: [ContactListRepository, ListContactsHandler, SearchContactsHandler],
})
export class SearchModule {}
