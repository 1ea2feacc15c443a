import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { setConsent } from '../domain/contact-relations.aggregate.js';
import type { ConsentType } from '../domain/contact.events.js';
import { ContactRepository } from '../store/contact.repository.js';
import { ContactViews } from '../store/contact-views.repository.js';
import type { ContactSubscription } from './list-contact-subscriptions.handler.js';
import { SubscriptionTypeCatalog, subscriptionTypeFor } from './subscription-type-catalog.repository.js';

/** Opt a contact in to, or out of, one of the workspace's subscription types. */
export class SetConsentCommand extends Command<ContactSubscription> {
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

@CommandHandler(SetConsentCommand)
export class SetConsentHandler implements ICommandHandler<SetConsentCommand, ContactSubscription> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly views: ContactViews,
    private readonly types: SubscriptionTypeCatalog,
  ) {}

  async execute({ workspaceId, contactId, subscriptionTypeId, consentType, metadata }: SetConsentCommand): Promise<ContactSubscription> {
    const type = await subscriptionTypeFor(this.types, this.views, workspaceId, contactId, subscriptionTypeId);
    await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => setConsent(contact, type.id, consentType, context));
    return { type, consentType };
  }
}
