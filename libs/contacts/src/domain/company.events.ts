import type { CustomValue, FieldChanges } from './contact.events.js';

/**
 * The event catalogue of the company stream (stream_type `company`). Type strings are persisted and,
 * like the contact stream's, unique in the whole log: a reader tells a company's event by its type.
 */

/** The fields a client may write (Intercom's create_or_update_company_request and update_company_request). */
export interface CompanyFields {
  name: string | null;
  plan: string | null;
  /** The workspace's id for the plan's name (company_plans), so that `plan.id` is stable. */
  plan_id: string | null;
  size: number | null;
  website: string | null;
  industry: string | null;
  monthly_spend: number | null;
  remote_created_at: number | null;
}

export const COMPANY_FIELDS = [
  'name',
  'plan',
  'plan_id',
  'size',
  'website',
  'industry',
  'monthly_spend',
  'remote_created_at',
] as const satisfies readonly (keyof CompanyFields)[];

type At<T = object> = T & { occurred_at: number };

export interface CompanyCreated {
  type: 'CompanyCreated';
  data: At<CompanyFields & { id: string; workspace_id: string; company_id: string; custom_attributes: Record<string, CustomValue> }>;
}
/** A field diff, custom attributes per key as `custom_attributes.<name>` (`to: null` removes one), as on contacts. */
export interface CompanyUpdated { type: 'CompanyUpdated'; data: At<{ changes: FieldChanges }> }
export interface CompanyTagged { type: 'CompanyTagged'; data: At<{ tag_id: string; admin_id: number | null }> }
export interface CompanyUntagged { type: 'CompanyUntagged'; data: At<{ tag_id: string }> }
/**
 * An admin's note on the company (2.16's POST /companies/{id}/notes): `body` is the note's HTML as stored, `admin_id`
 * its author. It does not change the company's fields or its updated_at.
 */
export interface CompanyNoteAdded { type: 'CompanyNoteAdded'; data: At<{ note_id: string; body: string; admin_id: number }> }
/** Final: the company leaves every read; its contacts are detached by events of their own (CompanyDetached). */
export interface CompanyDeleted { type: 'CompanyDeleted'; data: At }

export type CompanyEvent = CompanyCreated | CompanyUpdated | CompanyTagged | CompanyUntagged | CompanyNoteAdded | CompanyDeleted;

export const COMPANY_EVENT_TYPES: ReadonlySet<string> = new Set<CompanyEvent['type']>([
  'CompanyCreated',
  'CompanyUpdated',
  'CompanyTagged',
  'CompanyUntagged',
  'CompanyNoteAdded',
  'CompanyDeleted',
]);

/** Whether a stored event's type belongs to the company stream (every other type is a contact's). */
export const isCompanyEvent = (type: string): boolean => COMPANY_EVENT_TYPES.has(type);

export class UnknownCompanyEventError extends Error {
  constructor(type: string) {
    super(`'${type}' is not an event of the company stream`);
  }
}

export function toCompanyEvent(stored: { type: string; data: Record<string, unknown> }): CompanyEvent {
  if (!COMPANY_EVENT_TYPES.has(stored.type)) throw new UnknownCompanyEventError(stored.type);
  return { type: stored.type, data: stored.data } as CompanyEvent;
}
