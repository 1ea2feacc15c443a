import { Query } from '@nestjs/cqrs';
import type { ConsentType } from '../domain/contact.events.js';
import type { SubscriptionType } from '../infrastructure/subscription-type.repository.js';

/** A subscription type with the consent that applies: a contact's own choice, or the type's default. */
export interface ContactSubscription {
  type: SubscriptionType;
  consentType: ConsentType;
}

export class ListSubscriptionTypesQuery extends Query<SubscriptionType[]> {
  constructor(readonly workspaceId: string) {
    super();
  }
}

/** The contact's explicit choices: opt-outs first, then opt-ins, as Intercom lists them. */
export class ListContactSubscriptionsQuery extends Query<ContactSubscription[]> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
  ) {
    super();
  }
}
