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

export type ContactEvent = ContactCreated | ContactUpdated;

export const CUSTOM_PREFIX = 'custom_attributes.';
