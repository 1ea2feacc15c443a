import { IntercomError } from './intercom.error.js';

/** The minor number of the Intercom API version 2.x whose documented shape answers a request: 11 stands for 2.11. */
export type ApiVersion = number;

export const DEFAULT_VERSION: ApiVersion = 11;
/** The oldest version documented for these endpoints: its contacts are the 2.11 shape, as in every version up to 2.11. */
export const OLDEST_VERSION: ApiVersion = 7;
export const NEWEST_VERSION: ApiVersion = 16;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Every Intercom-Version Intercom accepts (the enums of the 2.11 to 2.16 descriptions, and the SDK's `Unstable`), with the
 * version that answers it. 1.x and 2.0 to 2.6 have no description here: the nearest documented shape is 2.7's, which is
 * 2.11's. `Unstable` (the SDK's name) and `Preview` (2.11's name for it) run ahead of every numbered version: 2.16 answers.
 */
export const ACCEPTED_VERSIONS: ReadonlyMap<string, ApiVersion> = new Map([
  ...range(0, 4).map((minor) => [`1.${minor}`, OLDEST_VERSION] as const),
  ...range(0, OLDEST_VERSION - 1).map((minor) => [`2.${minor}`, OLDEST_VERSION] as const),
  ...range(OLDEST_VERSION, NEWEST_VERSION).map((minor) => [`2.${minor}`, minor] as const),
  ['unstable', NEWEST_VERSION],
  ['preview', NEWEST_VERSION],
]);

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
  /** Create and update take `email_verified`, and the contact object carries it. */
  emailVerified: 16,
  /** `include_merge_history=true` embeds the user's merge_history in the contact object. */
  embeddedMergeHistory: 16,
  /** GET and POST /companies/{id}/notes exist; before, they are an unknown route (404 not_found). */
  companyNotes: 16,
} as const;

export type VersionCapability = keyof typeof SINCE;

export const supports = (version: ApiVersion, capability: VersionCapability): boolean => version >= SINCE[capability];

export class IntercomVersionError extends IntercomError {
  constructor(requested: string) {
    super('intercom_version_invalid', 400, `Intercom-Version '${requested.slice(0, 32)}' is not supported; use 1.0 to 1.4, 2.0 to 2.${NEWEST_VERSION}, or Unstable`);
  }
}

/** The version that answers a request's Intercom-Version header; absent or empty is the default. */
export function parseVersion(header: string | string[] | undefined): ApiVersion {
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || text.trim() === '') return DEFAULT_VERSION;
  const served = ACCEPTED_VERSIONS.get(text.trim().toLowerCase());
  if (served === undefined) throw new IntercomVersionError(text);
  return served;
}
