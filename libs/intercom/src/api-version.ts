import { IntercomError } from './intercom.error.js';

/** The minor number of an Intercom API version 2.x: 11 stands for 2.11. */
export type ApiVersion = number;

export const DEFAULT_VERSION: ApiVersion = 11;
export const OLDEST_VERSION: ApiVersion = 7;
export const NEWEST_VERSION: ApiVersion = 16;

/** What changed between the versions this service speaks, and from which version on: the one table of thresholds. */
const SINCE = {
  /** The contact object gains `enabled_push_messaging`. */
  enabledPushMessaging: 12,
  /** `owner_id` is a string in contacts and in search. */
  ownerIdAsString: 16,
  /** `formatted_phone` is searchable. */
  formattedPhoneSearch: 16,
  /** POST /contacts/search takes `sort`. */
  searchSort: 16,
  /** A merged-away contact answers 410 contact_merged with a Link, not 404. */
  mergedContactGone: 16,
  /** Merge refuses contacts that are not duplicates unless skip_duplicate_validation is sent. */
  duplicateOnlyMerge: 16,
} as const;

export type VersionCapability = keyof typeof SINCE;

export const supports = (version: ApiVersion, capability: VersionCapability): boolean => version >= SINCE[capability];

export class IntercomVersionError extends IntercomError {
  constructor(requested: string) {
    super('intercom_version_invalid', 400, `Intercom-Version '${requested}' is not supported; use 2.${OLDEST_VERSION} to 2.${NEWEST_VERSION}`);
  }
}

export function parseVersion(header: string | string[] | undefined): ApiVersion {
  if (header === undefined || header === '') return DEFAULT_VERSION;
  const text = Array.isArray(header) ? header[0] : header;
  const match = /^2\.(\d{1,2})$/.exec(text.trim());
  const minor = match ? Number(match[1]) : NaN;
  if (!(minor >= OLDEST_VERSION && minor <= NEWEST_VERSION)) throw new IntercomVersionError(text);
  return minor;
}
