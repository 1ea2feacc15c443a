import { Command } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { ConsentType } from '../domain/contact.events.js';
import type { ContactSubscription } from './subscriptions.queries.js';

/** Opt a contact in to, or out of, one of the workspace's subscription types. */
export class SetSubscriptionConsentCommand extends Command<ContactSubscription> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly subscriptionTypeId: string,
    readonly consentType: ConsentType,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** Forget the contact's explicit choice for a subscription type: the type's default applies again. */
export class RemoveSubscriptionConsentCommand extends Command<ContactSubscription> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly subscriptionTypeId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
