import type { DecisionContext } from './contact.aggregate.js';
import type { ConsentType, ContactEvent } from './contact.events.js';
import { CompanyLimitExceededError, NoteAuthorNotFoundError } from './contact.errors.js';
import type { ContactState } from './contact.state.js';

/** The decisions about what hangs off a contact: tags, companies, notes, subscription consent. */

/** Intercom's cap on the companies of one contact. */
export const MAX_COMPANIES = 1000;

/**
 * The admin a request acts for when it names none: its token belongs to the workspace, whose first admin (the lowest
 * id) is the one GET /me answers. Null only for a workspace without admins.
 */
export const firstAdmin = (admins: ReadonlySet<number>): number | null => (admins.size === 0 ? null : Math.min(...admins));

export function tagContact(state: ContactState, tagId: string, adminId: number | null, { now }: DecisionContext): ContactEvent[] {
  return state.tag_ids.includes(tagId) ? [] : [{ type: 'ContactTagged', data: { tag_id: tagId, admin_id: adminId, occurred_at: now } }];
}

export function untagContact(state: ContactState, tagId: string, { now }: DecisionContext): ContactEvent[] {
  return state.tag_ids.includes(tagId) ? [{ type: 'ContactUntagged', data: { tag_id: tagId, occurred_at: now } }] : [];
}

export function addNote(state: ContactState, noteId: string, body: string, adminId: number, context: DecisionContext): ContactEvent[] {
  if (!context.admins.has(adminId)) throw new NoteAuthorNotFoundError();
  return [{ type: 'NoteAdded', data: { note_id: noteId, body, admin_id: adminId, occurred_at: context.now } }];
}

export function attachCompany(state: ContactState, companyId: string, { now }: DecisionContext): ContactEvent[] {
  if (state.company_ids.includes(companyId)) return [];
  if (state.company_ids.length >= MAX_COMPANIES) throw new CompanyLimitExceededError(MAX_COMPANIES);
  return [{ type: 'CompanyAttached', data: { company_id: companyId, occurred_at: now } }];
}

export function detachCompany(state: ContactState, companyId: string, { now }: DecisionContext): ContactEvent[] {
  return state.company_ids.includes(companyId) ? [{ type: 'CompanyDetached', data: { company_id: companyId, occurred_at: now } }] : [];
}

/** The contact's own choice for a subscription type, or null when it made none. */
export function consentFor(state: ContactState, subscriptionTypeId: string): ConsentType | null {
  if (state.opted_in_ids.includes(subscriptionTypeId)) return 'opt_in';
  return state.opted_out_ids.includes(subscriptionTypeId) ? 'opt_out' : null;
}

export function setConsent(state: ContactState, subscriptionTypeId: string, consentType: ConsentType, { now }: DecisionContext): ContactEvent[] {
  if (consentFor(state, subscriptionTypeId) === consentType) return [];
  return [{ type: 'SubscriptionConsentSet', data: { subscription_type_id: subscriptionTypeId, consent_type: consentType, occurred_at: now } }];
}

export function removeConsent(state: ContactState, subscriptionTypeId: string, { now }: DecisionContext): ContactEvent[] {
  if (!consentFor(state, subscriptionTypeId)) return [];
  return [{ type: 'SubscriptionConsentRemoved', data: { subscription_type_id: subscriptionTypeId, occurred_at: now } }];
}
