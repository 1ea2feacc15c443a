import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { ChangeLifecycleHandler } from './change-lifecycle.handler.js';
import { ContactsController } from './contacts.controller.js';
import { CreateContactHandler } from './create-contact.handler.js';
import { GetEmbeddedMergeHistoryHandler } from './embedded-merge-history.handler.js';
import { FindContactByExternalIdHandler } from './find-contact-by-external-id.handler.js';
import { GetContactHandler } from './get-contact.handler.js';
import { GetMergeHistoryHandler } from './get-merge-history.handler.js';
import { MergeContactsHandler } from './merge-contacts.handler.js';
import { UpdateContactHandler } from './update-contact.handler.js';

/** The contact itself: create, update, read, lifecycle, merge. */
@Module({
  imports: [CqrsModule, ContactStoreModule],
  controllers: [ContactsController],
  providers: [
    CreateContactHandler,
    UpdateContactHandler,
    ChangeLifecycleHandler,
    MergeContactsHandler,
    GetContactHandler,
    FindContactByExternalIdHandler,
    GetMergeHistoryHandler,
    GetEmbeddedMergeHistoryHandler,
  ],
})
export class ContactsFeatureModule {}
