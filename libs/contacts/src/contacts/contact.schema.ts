/**
 * The JSON schema of the contact object renderContact builds, key for key in its order: the response schema of the
 * routes that answer contacts, from which Fastify compiles a serializer (fast-json-stringify) that writes the keys as
 * constants instead of walking each object, about five times faster than JSON.stringify on a page of 150. A key
 * missing here would be dropped from the answer: contact.schema.spec.ts checks that the serializer writes exactly what
 * JSON.stringify writes, for every version and every shape of value.
 */
import fastJsonStringify from 'fast-json-stringify';

type Schema = Record<string, unknown>;

const SCALAR: Schema = { type: ['null', 'string', 'number', 'boolean'] };
const STRING: Schema = { type: 'string' };
const FREE_OBJECT: Schema = { type: 'object', additionalProperties: true };
// No property is `required`: fast-json-stringify writes required properties first and the others after them, which
// would move 2.16's email_verified to the end; and a missing required one throws. Each is written when defined.
const object = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties, additionalProperties: false });

const REFERENCES = object({
  type: STRING,
  data: { type: 'array', items: object({ type: STRING, id: STRING, url: STRING }) },
  url: STRING,
  total_count: { type: 'integer' },
  has_more: { type: 'boolean' },
});

const scalars = (...keys: string[]) => Object.fromEntries(keys.map((key) => [key, SCALAR]));

const CONTACT_PROPERTIES: Record<string, Schema> = {
  ...scalars('type', 'id', 'workspace_id', 'external_id', 'role', 'email'),
  // 2.16 only.
  email_verified: SCALAR,
  ...scalars('phone', 'name', 'avatar', 'owner_id'),
  social_profiles: object({ type: STRING, data: { type: 'array', items: FREE_OBJECT } }),
  ...scalars('has_hard_bounced', 'marked_email_as_spam', 'unsubscribed_from_emails', 'created_at', 'updated_at', 'signed_up_at', 'last_seen_at'),
  ...scalars('last_replied_at', 'last_contacted_at', 'last_email_opened_at', 'last_email_clicked_at', 'language_override'),
  ...scalars('browser', 'browser_version', 'browser_language', 'os'),
  location: object(scalars('type', 'country', 'region', 'city', 'country_code', 'continent_code')),
  ...scalars('android_app_name', 'android_app_version', 'android_device', 'android_os_version', 'android_sdk_version', 'android_last_seen_at'),
  ...scalars('ios_app_name', 'ios_app_version', 'ios_device', 'ios_os_version', 'ios_sdk_version', 'ios_last_seen_at'),
  custom_attributes: FREE_OBJECT,
  tags: REFERENCES,
  notes: REFERENCES,
  companies: REFERENCES,
  opted_out_subscription_types: REFERENCES,
  opted_in_subscription_types: REFERENCES,
  ...scalars('utm_campaign', 'utm_content', 'utm_medium', 'utm_source', 'utm_term', 'referrer'),
  // Versions 2.12 and later only.
  enabled_push_messaging: SCALAR,
  // 2.16, when include_merge_history asked for it.
  merge_history: { type: 'array', items: object(scalars('type', 'source_contact_id', 'source_contact_role', 'merged_at')) },
};

export const CONTACT_SCHEMA: Schema = object(CONTACT_PROPERTIES);

/** Intercom's cursor list of contacts (renderPage of the list and search routes). */
export const CONTACT_LIST_SCHEMA: Schema = object({ type: STRING, data: { type: 'array', items: CONTACT_SCHEMA }, total_count: { type: 'integer' }, pages: FREE_OBJECT });

/** The route schemas: Fastify serializes a 200 with them; every other status (errors) as before. */
export const CONTACT_RESPONSE = { response: { 200: CONTACT_SCHEMA } };
export const CONTACT_LIST_RESPONSE = { response: { 200: CONTACT_LIST_SCHEMA } };

/** A list answer as renderPage builds it: the contacts under `data`, the envelope's other keys around them. */
interface ContactList {
  data: unknown[];
}

/**
 * Writes a list as bytes, contact by contact. A page of 150 is a 265 KB answer: as one string, V8 builds it as a rope
 * in its large-object space, flattens it when Fastify takes its byte length, and Node encodes it again into a new
 * buffer to write it; 2 ms of a page's 5 (docs/performance.md, "Export pages"). Each contact's text is small, and
 * one concatenation of their bytes is the answer: the same bytes, about three times cheaper.
 */
function contactListBytes(): (list: ContactList) => Buffer {
  const envelope = fastJsonStringify(CONTACT_LIST_SCHEMA as never);
  const contact = fastJsonStringify(CONTACT_SCHEMA as never);
  return (list) => {
    const text = envelope({ ...list, data: [] });
    // `type`, the one key before `data`, is a JSON string: a quote inside it is escaped, so this finds the key.
    const at = text.indexOf('"data":[]') + '"data":['.length;
    const parts = [Buffer.from(text.slice(0, at))];
    list.data.forEach((item, n) => parts.push(Buffer.from(n === 0 ? contact(item) : `,${contact(item)}`)));
    parts.push(Buffer.from(text.slice(at)));
    return Buffer.concat(parts);
  };
}

/** Fastify's serializer compiler for every route schema: the list's writes bytes, the others compile as Fastify would. */
export function responseSerializer({ schema }: { schema: unknown }): (data: unknown) => string | Buffer {
  return schema === CONTACT_LIST_SCHEMA ? (contactListBytes() as (data: unknown) => Buffer) : fastJsonStringify(schema as never);
}
