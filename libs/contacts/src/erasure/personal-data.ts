import type { PersonalDataPolicy } from '@app/event-store';
import { CUSTOM_PREFIX } from '../domain/contact.events.js';
import { contactIdOfStream } from '../domain/data-event.events.js';

/**
 * The events that carry personal values, and which of their fields those are: sealed with the owner's data key in
 * the log (docs/architecture.md, "Personal data and erasure"). A field listed here is personal wherever it appears
 * in the event's data: top level (ContactCreated), inside a field diff (`changes.email.from/to`), per value of a
 * map (each custom attribute's and each data-event metadata value; their names stay readable).
 */
const PERSONAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ContactCreated',
  'ContactUpdated',
  'ContactMergedFrom',
  'NoteAdded',
  'DataEventTracked',
  'CompanyCreated',
  'CompanyUpdated',
  'CompanyNoteAdded',
]);

const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  // Contacts (and the identifiers a data event copies: user_id is the contact's external_id).
  'email',
  'phone',
  'name',
  'avatar',
  'external_id',
  'user_id',
  // Note bodies, of contacts and companies.
  'body',
  // Values of custom attributes (contacts and companies) and of data-event metadata.
  'custom_attributes',
  'metadata',
  // Companies: name (above) and website.
  'website',
]);

export const PERSONAL_DATA: PersonalDataPolicy = {
  eventTypes: PERSONAL_EVENT_TYPES,
  isPersonalKey: (key) => PERSONAL_FIELDS.has(key) || key.startsWith(CUSTOM_PREFIX),
  // A contact's data-event stream is sealed with the contact's key: one erasure covers both streams.
  ownerOf: contactIdOfStream,
};
