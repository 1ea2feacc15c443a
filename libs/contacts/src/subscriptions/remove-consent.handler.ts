import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { consentFor, removeConsent } from '../domain/contact-relations.aggregate.js';
import { ContactRepository } from '../store/contact.repository.js';
import { ContactViews } from '../store/contact-views.repository.js';
import type { ContactSubscription } from './list-contact-subscriptions.handler.js';
import { SubscriptionTypeCatalog, subscriptionTypeFor } from './subscription-type-catalog.repository.js';

/** Forget the contact's explicit choice for a subscription type: the type's default applies again. */
export class RemoveConsentCommand extends Command<ContactSubscription> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly subscriptionTypeId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(RemoveConsentCommand)
export class RemoveConsentHandler implements ICommandHandler<RemoveConsentCommand, ContactSubscription> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly views: ContactViews,
    private readonly types: SubscriptionTypeCatalog,
  ) {}

  async execute({ workspaceId, contactId, subscriptionTypeId, metadata }: RemoveConsentCommand): Promise<ContactSubscription> {
    const type = await subscriptionTypeFor(this.types, this.views, workspaceId, contactId, subscriptionTypeId);
    const { decidedOn } = await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => removeConsent(contact, type.id, context));
    // The answer names the choice that was removed; with none, the type's own default.
    return { type, consentType: consentFor(decidedOn, type.id) ?? type.consent_type };
  }
}
