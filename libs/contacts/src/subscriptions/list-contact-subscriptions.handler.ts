import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import type { ConsentType } from '../domain/contact.events.js';
import { ContactViews } from '../store/contact-views.repository.js';
import { type SubscriptionType, SubscriptionTypeCatalog } from './subscription-type-catalog.repository.js';

/** A subscription type with the consent that applies: a contact's own choice, or the type's default. */
export interface ContactSubscription {
  type: SubscriptionType;
  consentType: ConsentType;
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

@QueryHandler(ListContactSubscriptionsQuery)
export class ListContactSubscriptionsHandler implements IQueryHandler<ListContactSubscriptionsQuery, ContactSubscription[]> {
  constructor(
    private readonly contacts: ContactViews,
    private readonly types: SubscriptionTypeCatalog,
  ) {}

  async execute({ workspaceId, contactId }: ListContactSubscriptionsQuery): Promise<ContactSubscription[]> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (!view) throw new ContactNotFoundError();
    const { opted_out_ids: out, opted_in_ids: in_ } = view.state;
    const found = await this.types.findMany(workspaceId, [...out, ...in_]);
    return found.map((type) => ({ type, consentType: out.includes(type.id) ? 'opt_out' : 'opt_in' }));
  }
}
