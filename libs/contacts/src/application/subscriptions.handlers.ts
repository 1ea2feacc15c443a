import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError, SubscriptionTypeNotFoundError } from '../domain/contact.errors.js';
import type { ConsentType } from '../domain/contact.events.js';
import { ContactRepository } from '../infrastructure/contact.repository.js';
import { type SubscriptionType, SubscriptionTypeRepository } from '../infrastructure/subscription-type.repository.js';
import { ContactWriter } from './contact-writer.js';
import { RemoveSubscriptionConsentCommand, SetSubscriptionConsentCommand } from './subscriptions.commands.js';
import { type ContactSubscription, ListContactSubscriptionsQuery, ListSubscriptionTypesQuery } from './subscriptions.queries.js';

/** The workspace's type; when it is missing, a missing contact is reported first, as for every sub-resource. */
async function findType(types: SubscriptionTypeRepository, contacts: ContactRepository, workspaceId: string, contactId: string, id: string) {
  const type = await types.find(workspaceId, id);
  if (type) return type;
  throw (await contacts.find(workspaceId, contactId)) ? new SubscriptionTypeNotFoundError() : new ContactNotFoundError();
}

@CommandHandler(SetSubscriptionConsentCommand)
export class SetSubscriptionConsentHandler implements ICommandHandler<SetSubscriptionConsentCommand, ContactSubscription> {
  constructor(
    private readonly writer: ContactWriter,
    private readonly types: SubscriptionTypeRepository,
    private readonly contacts: ContactRepository,
  ) {}

  async execute({ workspaceId, contactId, subscriptionTypeId, consentType, metadata }: SetSubscriptionConsentCommand): Promise<ContactSubscription> {
    const type = await findType(this.types, this.contacts, workspaceId, contactId, subscriptionTypeId);
    await this.writer.write(workspaceId, contactId, metadata, {}, ({ contact }, { now }) => {
      if (!contact) throw new ContactNotFoundError();
      contact.setConsent(type.id, consentType, now);
      return contact;
    });
    return { type, consentType };
  }
}

@CommandHandler(RemoveSubscriptionConsentCommand)
export class RemoveSubscriptionConsentHandler implements ICommandHandler<RemoveSubscriptionConsentCommand, ContactSubscription> {
  constructor(
    private readonly writer: ContactWriter,
    private readonly types: SubscriptionTypeRepository,
    private readonly contacts: ContactRepository,
  ) {}

  async execute({ workspaceId, contactId, subscriptionTypeId, metadata }: RemoveSubscriptionConsentCommand): Promise<ContactSubscription> {
    const type = await findType(this.types, this.contacts, workspaceId, contactId, subscriptionTypeId);
    let removed: ConsentType | null = null;
    await this.writer.write(workspaceId, contactId, metadata, {}, ({ contact }, { now }) => {
      if (!contact) throw new ContactNotFoundError();
      removed = contact.consentFor(type.id);
      contact.removeConsent(type.id, now);
      return contact;
    });
    // The answer names the choice that was removed; with none, the type's own default.
    return { type, consentType: removed ?? type.consent_type };
  }
}

@QueryHandler(ListSubscriptionTypesQuery)
export class ListSubscriptionTypesHandler implements IQueryHandler<ListSubscriptionTypesQuery, SubscriptionType[]> {
  constructor(private readonly types: SubscriptionTypeRepository) {}

  execute({ workspaceId }: ListSubscriptionTypesQuery): Promise<SubscriptionType[]> {
    return this.types.list(workspaceId);
  }
}

@QueryHandler(ListContactSubscriptionsQuery)
export class ListContactSubscriptionsHandler implements IQueryHandler<ListContactSubscriptionsQuery, ContactSubscription[]> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly types: SubscriptionTypeRepository,
  ) {}

  async execute({ workspaceId, contactId }: ListContactSubscriptionsQuery): Promise<ContactSubscription[]> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (!view) throw new ContactNotFoundError();
    const { opted_out_ids: out, opted_in_ids: in_ } = view.state;
    const found = await this.types.findMany(workspaceId, [...out, ...in_]);
    return found.map((type) => ({ type, consentType: out.includes(type.id) ? 'opt_out' : 'opt_in' }));
  }
}
