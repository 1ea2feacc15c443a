import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangeFeedHandler } from './application/change-feed.handler.js';
import { ContactAsOfHandler, ContactHistoryHandler } from './application/contact-history.handler.js';
import { ChangeContactLifecycleHandler, MergeContactsHandler } from './application/contact-lifecycle.handlers.js';
import { ContactWriter } from './application/contact-writer.js';
import { CreateContactHandler } from './application/create-contact.handler.js';
import { DataAttributesService } from './application/data-attributes.service.js';
import { ContactMergeHistoryHandler, FindContactByExternalIdHandler, GetContactHandler } from './application/get-contact.handler.js';
import { ListContactsHandler } from './application/list-contacts.handler.js';
import { SearchContactsHandler } from './application/search-contacts.handler.js';
import { UpdateContactHandler } from './application/update-contact.handler.js';
import { AttachCompanyHandler, DetachCompanyHandler, ListContactCompaniesHandler } from './application/companies.handlers.js';
import { CompaniesService } from './application/companies.service.js';
import { ListContactTagsHandler, TagContactHandler, UntagContactHandler } from './application/tags.handlers.js';
import { TagsService } from './application/tags.service.js';
import { CompaniesController } from './http/companies.controller.js';
import { ContactCompaniesController } from './http/contact-companies.controller.js';
import { ContactTagsController } from './http/contact-tags.controller.js';
import { TagsController } from './http/tags.controller.js';
import { ContactsController } from './http/contacts.controller.js';
import { ContactsListController } from './http/contacts-list.controller.js';
import { DataAttributesController } from './http/data-attributes.controller.js';
import { EventsController } from './http/events.controller.js';
import { ContactRepository } from './infrastructure/contact.repository.js';
import { AddNoteHandler, GetNoteHandler, ListNotesHandler } from './application/notes.handlers.js';
import { ListContactSubscriptionsHandler, ListSubscriptionTypesHandler, RemoveSubscriptionConsentHandler, SetSubscriptionConsentHandler } from './application/subscriptions.handlers.js';
import { NotesController } from './http/notes.controller.js';
import { SubscriptionsController } from './http/subscriptions.controller.js';
import { NoteRepository } from './infrastructure/note.repository.js';
import { SubscriptionTypeRepository } from './infrastructure/subscription-type.repository.js';
import { ContactListRepository } from './infrastructure/contact-list.repository.js';

@Module({
  imports: [CqrsModule],
  controllers: [NotesController, SubscriptionsController, ContactsController, ContactsListController, DataAttributesController, EventsController, TagsController, ContactTagsController, CompaniesController, ContactCompaniesController],
  providers: [
    NoteRepository, AddNoteHandler, ListNotesHandler, GetNoteHandler,
    SubscriptionTypeRepository, SetSubscriptionConsentHandler, RemoveSubscriptionConsentHandler, ListSubscriptionTypesHandler, ListContactSubscriptionsHandler,
    ContactRepository,
    ContactWriter,
    CreateContactHandler,
    UpdateContactHandler,
    GetContactHandler,
    FindContactByExternalIdHandler,
    ContactMergeHistoryHandler,
    ChangeContactLifecycleHandler,
    MergeContactsHandler,
    ContactHistoryHandler,
    ContactAsOfHandler,
    ChangeFeedHandler,
    DataAttributesService,
    ContactListRepository,
    ListContactsHandler,
    SearchContactsHandler,
    TagsService, TagContactHandler, UntagContactHandler, ListContactTagsHandler,
    CompaniesService, AttachCompanyHandler, DetachCompanyHandler, ListContactCompaniesHandler,
  ],
})
export class ContactsModule {}
