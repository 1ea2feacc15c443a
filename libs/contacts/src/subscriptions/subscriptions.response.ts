import type { ContactSubscription } from './list-contact-subscriptions.handler.js';
import type { SubscriptionType } from './subscription-type-catalog.repository.js';

/** Intercom's subscription object, key for key as in the 2.11 examples. Every type has one (English) translation. */
export function renderSubscription(type: SubscriptionType, consentType = type.consent_type) {
  const translation = { name: type.name, description: type.description, locale: 'en' };
  return {
    type: 'subscription',
    id: type.id,
    state: type.state,
    consent_type: consentType,
    default_translation: translation,
    translations: [{ ...translation }],
    content_types: type.content_types,
  };
}

export const renderContactSubscription = ({ type, consentType }: ContactSubscription) => renderSubscription(type, consentType);
