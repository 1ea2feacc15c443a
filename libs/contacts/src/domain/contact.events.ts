/** The whole event catalogue of the contact stream. Type strings are persisted: never rename them. */

export type Role = 'user' | 'lead';
export type CustomValue = string | number | boolean;

/** The fields a client may write (Intercom's create/update request bodies). */
export interface WritableFields {
  role: Role;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  avatar: string | null;
  owner_id: number | null;
  signed_up_at: number | null;
  last_seen_at: number | null;
  unsubscribed_from_emails: boolean;
  /**
   * 2.16: whether the client verified that the contact owns `email`; null when not said. Absent from the events and
   * states recorded before it existed (read as null), and only recorded on create when it is given. It changes with
   * the email, so it is not among WRITABLE_FIELDS.
   */
  email_verified?: boolean | null;
}

export const WRITABLE_FIELDS = [
  'role',
  'external_id',
  'email',
  'phone',
  'name',
  'avatar',
  'owner_id',
  'signed_up_at',
  'last_seen_at',
  'unsubscribed_from_emails',
] as const satisfies readonly (keyof WritableFields)[];

export interface ContactCreated {
  type: 'ContactCreated';
  data: WritableFields & {
    contact_id: string;
    workspace_id: string;
    custom_attributes: Record<string, CustomValue>;
    occurred_at: number;
  };
}

/** A field diff. Custom attributes appear per key as `custom_attributes.<name>`; `to: null` removes one. */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface ContactUpdated {
  type: 'ContactUpdated';
  data: { changes: FieldChanges; occurred_at: number };
}

type At<T = object> = T & { occurred_at: number };

export interface ContactArchived { type: 'ContactArchived'; data: At }
export interface ContactUnarchived { type: 'ContactUnarchived'; data: At }
export interface ContactBlocked { type: 'ContactBlocked'; data: At }
/** Final: the contact disappears from every read; its id stays taken by its stream. */
export interface ContactDeleted { type: 'ContactDeleted'; data: At }
export interface ContactTagged { type: 'ContactTagged'; data: At<{ tag_id: string; admin_id: number | null }> }
export interface ContactUntagged { type: 'ContactUntagged'; data: At<{ tag_id: string }> }
export interface NoteAdded { type: 'NoteAdded'; data: At<{ note_id: string; body: string; admin_id: number }> }
export interface CompanyAttached { type: 'CompanyAttached'; data: At<{ company_id: string }> }
export interface CompanyDetached { type: 'CompanyDetached'; data: At<{ company_id: string }> }
export type ConsentType = 'opt_in' | 'opt_out';
export interface SubscriptionConsentSet { type: 'SubscriptionConsentSet'; data: At<{ subscription_type_id: string; consent_type: ConsentType }> }
export interface SubscriptionConsentRemoved { type: 'SubscriptionConsentRemoved'; data: At<{ subscription_type_id: string }> }

/** What a merged-away lead hands to the surviving user. */
export interface MergedData {
  /** Fields of the user that were empty and are filled from the lead. */
  changes: FieldChanges;
  tag_ids: string[];
  company_ids: string[];
  note_ids: string[];
  opted_in_ids: string[];
  opted_out_ids: string[];
}

/**
 * Final, on any contact (live, archived, deleted or merged away): its personal data is erased (docs/erasure.md). It
 * carries who and when only; the values are gone with the contact's data key, deleted in the same transaction.
 */
export interface ContactErased { type: 'ContactErased'; data: At<{ admin_id: number | null }> }
/** The erasure's event type, for log readers outside the domain (the NATS relay, the webhook notifier). */
export const CONTACT_ERASED: ContactErased['type'] = 'ContactErased';
/** On the lead's stream, final: it was merged into a user. */
export interface ContactMergedInto { type: 'ContactMergedInto'; data: At<{ into_contact_id: string }> }
/** On the user's stream: a lead was merged in. */
export interface ContactMergedFrom { type: 'ContactMergedFrom'; data: At<MergedData & { from_contact_id: string }> }

export type ContactEvent =
  | ContactCreated
  | ContactUpdated
  | ContactArchived
  | ContactUnarchived
  | ContactBlocked
  | ContactDeleted
  | ContactTagged
  | ContactUntagged
  | NoteAdded
  | CompanyAttached
  | CompanyDetached
  | SubscriptionConsentSet
  | SubscriptionConsentRemoved
  | ContactMergedInto
  | ContactMergedFrom
  | ContactErased;

export const CUSTOM_PREFIX = 'custom_attributes.';

/** What a personal value reads as once erased: the codec's ERASED (libs/event-store/src/crypto), which the domain cannot import. */
export const ERASED_VALUE = '[erased]';

/** The contact fields that hold personal values (with every custom attribute value): erasure blanks them. */
export const PERSONAL_FIELDS = ['external_id', 'email', 'phone', 'name', 'avatar'] as const satisfies readonly (keyof WritableFields)[];

const EVENT_TYPES: ReadonlySet<string> = new Set<ContactEvent['type']>([
  'ContactCreated',
  'ContactUpdated',
  'ContactArchived',
  'ContactUnarchived',
  'ContactBlocked',
  'ContactDeleted',
  'ContactTagged',
  'ContactUntagged',
  'NoteAdded',
  'CompanyAttached',
  'CompanyDetached',
  'SubscriptionConsentSet',
  'SubscriptionConsentRemoved',
  'ContactMergedInto',
  'ContactMergedFrom',
  'ContactErased',
]);

export class UnknownContactEventError extends Error {
  constructor(type: string) {
    super(`'${type}' is not an event of the contact stream`);
  }
}

/** A stored event (type and decoded payload) as a contact event; the log holds only what this catalogue defines. */
export function toContactEvent(stored: { type: string; data: Record<string, unknown> }): ContactEvent {
  if (!EVENT_TYPES.has(stored.type)) throw new UnknownContactEventError(stored.type);
  return { type: stored.type, data: stored.data } as ContactEvent;
}
