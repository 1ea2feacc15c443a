import { type ContactEvent, type ContactState, renderContact, renderDeleted } from '@app/contacts';
import { DEFAULT_VERSION } from '@app/intercom';
import { COMPANY_TOPICS } from './company-notifications.js';

/** Intercom's contact topics (developer docs, "Webhook Topics"); there is no generic contact.updated. */
export const CONTACT_TOPICS = [
  'contact.user.created',
  'contact.lead.created',
  'contact.user.updated',
  'contact.lead.updated',
  'contact.email.updated',
  'contact.lead.added_email',
  'contact.lead.signed_up',
  'contact.archived',
  'contact.unarchive',
  'contact.deleted',
  'contact.merged',
  'contact.user.tag.created',
  'contact.user.tag.deleted',
  'contact.lead.tag.created',
  'contact.lead.tag.deleted',
  'contact.subscribed',
  'contact.unsubscribed',
  'company.contact.attached',
  'company.contact.detached',
] as const;

/** What a subscription may ask for; `event.created` is Intercom's data-event topic, `ping` its test notification. */
export const WEBHOOK_TOPICS: readonly string[] = [...CONTACT_TOPICS, ...COMPANY_TOPICS, 'event.created', 'ping'];

export type ContactTopic = (typeof CONTACT_TOPICS)[number];

export interface Notification {
  topic: ContactTopic;
  item: Record<string, unknown>;
}

/** The event types that can raise a topic: the processor folds streams only for these. */
export const NOTIFYING_EVENTS: ReadonlySet<string> = new Set([
  'ContactCreated',
  'ContactUpdated',
  'ContactArchived',
  'ContactUnarchived',
  'ContactDeleted',
  'ContactMergedFrom',
  'ContactTagged',
  'ContactUntagged',
  'SubscriptionConsentSet',
  'CompanyAttached',
  'CompanyDetached',
  'CompanyCreated',
  'CompanyUpdated',
  'CompanyTagged',
  'CompanyUntagged',
  'CompanyDeleted',
]);

// Notifications render the default (2.11) contact: webhook payloads are not versioned by the requester.
const WEBHOOK_VERSION = DEFAULT_VERSION;

/**
 * The notifications one event raises, in a fixed order. `after` is the contact as this event left it
 * (folded from its stream, so a contact deleted or merged later still renders as it was then);
 * `tagName` resolves the name of a tag, which is a workspace row rather than part of the stream.
 */
export function notificationsOf(event: ContactEvent, after: ContactState, tagName: (id: string) => string | null): Notification[] {
  const contact = () => renderContact(after, WEBHOOK_VERSION);
  const role = after.role;
  const as = (...topics: ContactTopic[]) => topics.map((topic) => ({ topic, item: contact() }));
  switch (event.type) {
    case 'ContactCreated':
      return as(`contact.${role}.created`);
    case 'ContactUpdated':
      return as(...updateTopics(event.data.changes, role));
    case 'ContactArchived':
      return as('contact.archived');
    case 'ContactUnarchived':
      return as('contact.unarchive');
    case 'ContactDeleted':
      // Intercom's *.deleted topics carry identifying fields only.
      return [{ topic: 'contact.deleted', item: renderDeleted(after) }];
    case 'ContactMergedFrom':
      return [{ topic: 'contact.merged', item: { ...contact(), merged_from: { type: 'contact', id: event.data.from_contact_id } } }];
    case 'ContactTagged':
    case 'ContactUntagged': {
      const { tag_id: id, occurred_at } = event.data;
      const item = { type: 'contact_tag', created_at: occurred_at, tag: { id, name: tagName(id), type: 'tag' }, contact: contact() };
      return [{ topic: `contact.${role}.tag.${event.type === 'ContactTagged' ? 'created' : 'deleted'}`, item }];
    }
    case 'CompanyAttached':
    case 'CompanyDetached': {
      // Intercom names the topics but documents no payload: modelled on contact_tag, the company by reference (as a
      // contact's `companies` list names it), the contact as it was left. Deleting a company detaches with these too.
      const { company_id: id, occurred_at } = event.data;
      const item = { type: 'contact_company', created_at: occurred_at, company: { type: 'company', id }, contact: contact() };
      return [{ topic: event.type === 'CompanyAttached' ? 'company.contact.attached' : 'company.contact.detached', item }];
    }
    case 'SubscriptionConsentSet': {
      const { subscription_type_id: id, consent_type } = event.data;
      // Since 2.7 the unsubscribe payload names the subscription type beside the contact.
      const subscriptionTypes = { type: 'list', data: [{ type: 'subscription', id, consent_type }] };
      const topic = consent_type === 'opt_in' ? 'contact.subscribed' : 'contact.unsubscribed';
      return [{ topic, item: { ...contact(), subscription_types: subscriptionTypes } }];
    }
    default:
      return [];
  }
}

function updateTopics(changes: Record<string, { from: unknown; to: unknown }>, role: 'user' | 'lead'): ContactTopic[] {
  const topics: ContactTopic[] = [`contact.${role}.updated`];
  const { email, role: roleChange, unsubscribed_from_emails: unsubscribed } = changes;
  const wasLead = (roleChange?.from ?? role) === 'lead';
  if (email) topics.push('contact.email.updated');
  if (email && wasLead && !email.from && email.to) topics.push('contact.lead.added_email');
  if (roleChange?.from === 'lead' && roleChange.to === 'user') topics.push('contact.lead.signed_up');
  // The email-wide opt-out flag is what Intercom's subscribed/unsubscribed topics were first about.
  if (unsubscribed) topics.push(unsubscribed.to ? 'contact.unsubscribed' : 'contact.subscribed');
  return topics;
}
