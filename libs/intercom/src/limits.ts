/**
 * The bounds on what a request may send, in one place so that the README's "Limits" table has one
 * source. Where Intercom documents a number it is Intercom's; the others are this service's choice,
 * each large enough for any real Intercom client and small enough that no request can hold the
 * pool, blow a stack or make an event NATS would refuse (the event store's MAX_EVENT_BYTES is the
 * last line behind these).
 */
export const LIMITS = {
  /** Intercom: "custom data attributes of string type [may] have up to 255 characters". */
  customStringChars: 255,
  /** The data attribute name limit (data-attribute.request.ts), so every definable name fits. */
  customNameChars: 190,
  /** Intercom allows 250 custom data attributes per workspace; a contact or company holds at most as many values. */
  customAttributesPerObject: 250,
  /** Intercom: "a limit of 250 custom data attributes per workspace" (counted per model, archived ones excluded). */
  dataAttributesPerModel: 250,
  /**
   * Data attributes of one model, archived ones included: GET /data_attributes?include_archived=true answers
   * them all in one list, as Intercom does, so archiving must not let their number grow without end.
   */
  dataAttributesPerModelWithArchived: 1000,
  /**
   * Tags of one workspace. GET /tags answers them all in one list, as Intercom does (no pages), and a contact
   * may carry any of them: 10,000 keeps that answer within about 2 MiB and one indexed read.
   */
  tagsPerWorkspace: 10_000,
  /** Contacts one bulk `POST /tags` (`users: [...]`) tags or untags: each is an event on its contact's stream. */
  tagBulkUsers: 100,
  /**
   * Segments of one workspace. GET /segments answers them all in one list (with include_count, one bounded count
   * each), and GET /contacts/{id}/segments evaluates every one of them for the contact.
   */
  segmentsPerWorkspace: 100,
  /** A segment's query as JSON: it is stored, and inlined into every search on its segment_id. */
  segmentQueryBytes: 16 * 1024,
  /** Admins of one workspace: GET /admins answers them all in one list, and every decision holds their ids. */
  adminsPerWorkspace: 1000,
  /** Active access tokens of one workspace (`token create`): few enough that `token list` shows each at a glance. */
  accessTokensPerWorkspace: 50,
  /** Revoked tokens `token list` shows besides the active ones: the most recent. Older ones stay revoked, unlisted. */
  revokedTokensListed: 50,
  /** Names, emails, phones, external ids, tag and company fields (Intercom's string columns). */
  stringChars: 255,
  /** Avatar and website URLs. */
  urlChars: 2048,
  /** A note body as stored: its HTML after escaping, in UTF-8 bytes. */
  noteBytes: 64 * 1024,
  /** Notes of one company (2.16's company notes): each is an event on the company's stream and a company_notes row. */
  notesPerCompany: 10_000,
  /** Search: a value compared with =, !=, IN or NIN (the longest stored string is an avatar URL). */
  searchValueChars: 2048,
  /** Search: a ~, !~, ^ or $ pattern (no stored value but a URL is longer; trigram work grows with it). */
  searchPatternChars: 255,
  /**
   * Search: the matches counted exactly for total_count; beyond, an estimate. The count of a broad or negative
   * filter reads about this many index entries (or probes), so it is the count's cost bound.
   */
  searchExactCount: 1_000,
  /** Search: the values of all IN and NIN lists of one query together. */
  searchListValues: 1000,
  /** Webhook subscriptions of one workspace (each event fans out to all of them). */
  webhookSubscriptions: 50,
  /** Nesting of any JSON body: Intercom's deepest request (a search with an IN list in a nested group) needs 7. */
  jsonDepth: 32,
  /** A whole request body; over it is 413 request_too_large. */
  bodyBytes: 1024 * 1024,
  /** An Idempotency-Key header: Stripe's 255 characters, printable ASCII. */
  idempotencyKeyChars: 255,
  /** A stored idempotent answer; a larger one is not kept (a retry is then refused with 409 rather than run again). */
  idempotentAnswerBytes: 1024 * 1024,
  /** How long a request with a key waits for an earlier one with the same key to finish before answering 409. */
  idempotentWaitMs: 5000,
} as const;

/** The size a note's limit applies to: its HTML as stored, in UTF-8. */
export const noteStoredBytes = (html: string): number => Buffer.byteLength(html);
