import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { ListContactSubscriptionsHandler } from './list-contact-subscriptions.handler.js';
import { ListSubscriptionTypesHandler } from './list-subscription-types.handler.js';
import { RemoveConsentHandler } from './remove-consent.handler.js';
import { SetConsentHandler } from './set-consent.handler.js';
import { SubscriptionTypeCatalog } from './subscription-type-catalog.repository.js';
import { SubscriptionsController } from './subscriptions.controller.js';

/** Subscription types (the workspace's catalog) and a contact's consent to them. */
@Module({
  imports: [CqrsModule, ContactStoreModule],
  controllers: [SubscriptionsController],
  providers: [SubscriptionTypeCatalog, SetConsentHandler, RemoveConsentHandler, ListSubscriptionTypesHandler, ListContactSubscriptionsHandler],
})
export class SubscriptionsModule {}
