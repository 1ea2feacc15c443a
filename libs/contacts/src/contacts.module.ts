import { Module } from '@nestjs/common';
import { CompaniesModule } from './companies/companies.module.js';
import { CompanyNotesModule } from './company-notes/company-notes.module.js';
import { ContactsFeatureModule } from './contacts/contacts.module.js';
import { DataAttributesModule } from './data-attributes/data-attributes.module.js';
import { DataEventsModule } from './data-events/data-events.module.js';
import { HistoryModule } from './history/history.module.js';
import { NotesModule } from './notes/notes.module.js';
import { SearchModule } from './search/search.module.js';
import { SegmentsModule } from './segments/segments.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { TagsModule } from './tags/tags.module.js';

/** The contacts bounded context: one module per feature folder. */
@Module({
  imports: [
    ContactsFeatureModule,
    SearchModule,
    SegmentsModule,
    HistoryModule,
    TagsModule,
    CompaniesModule,
    CompanyNotesModule,
    NotesModule,
    SubscriptionsModule,
    DataAttributesModule,
    DataEventsModule,
  ],
})
export class ContactsModule {}
