import { type ApiVersion, LIMITS, supports } from '@app/intercom';
import { CUSTOM_PREFIX } from '../domain/contact.events.js';
import type { DataType } from '../domain/contact.state.js';
import { contactColumns } from '../store/contact-state.columns.js';
import { SearchQueryInvalidError } from './search.errors.js';

/** Intercom's search types; each allows its own operators. `float` is Integer's rules with fractions. */
export type SearchType = 'string' | 'boolean' | 'integer' | 'float' | 'date' | 'tag' | 'segment';
export type SqlType = 'text' | 'bigint' | 'numeric' | 'boolean';

export interface SearchField {
  name: string;
  type: SearchType;
  sqlType: SqlType;
  /** The value as SQL over the row `c`. Only custom attributes bind anything (their name, as a jsonb key). */
  sql: (params: SqlParams) => string;
  /** Never null, so a sort on it needs no null flag. */
  notNull?: boolean;
  /** Compared lower-cased: email is case-insensitive in Intercom and in this service's uniqueness rule. */
  lowerCase?: boolean;
  /** The only values the equality operators accept (role). */
  values?: readonly string[];
  sortable: boolean;
  /**
   * Where contact_search_values holds the field's values (every field with a source but created_at, which the list
   * index serves, and tag_id, whose rows are keyed by the tag): its `field` key and typed column.
   */
  stored?: StoredField;
}

export type StoredColumn = 'text_value' | 'number_value' | 'boolean_value';

export interface StoredField {
  /** The `field` key as SQL: a literal for standard fields, bound for custom attributes. */
  key: (params: SqlParams) => string;
  column: StoredColumn;
}

const COLUMN_OF: Record<SearchType, StoredColumn> = {
  string: 'text_value', tag: 'text_value', segment: 'text_value', boolean: 'boolean_value', integer: 'number_value', float: 'number_value', date: 'number_value',
};
const storedAs = (key: string, type: SearchType): StoredField => ({ key: () => `'${key}'`, column: COLUMN_OF[type] });


const field = (name: string, type: SearchType, sqlType: SqlType, sql: string, extra: Partial<SearchField> = {}): SearchField => ({
  name, type, sqlType, sql: () => sql, sortable: true, ...extra,
});
/** A standard field whose values contact_search_values holds under `key` (its name unless given). */
const storedField = (name: string, type: SearchType, sqlType: SqlType, sql: string, extra: Partial<SearchField> & { key?: string } = {}): SearchField => {
  const { key = name, ...rest } = extra;
  return field(name, type, sqlType, sql, { stored: storedAs(key, type), ...rest });
};
const c = contactColumns('c');

// Fields this service has no source for: every contact holds null (or false) there, as it renders them.
const NO_SOURCE = {
  string: [
    'language_override', 'browser', 'browser_language', 'os', 'location.country', 'location.region', 'location.city',
    'ios_app_version', 'ios_device', 'ios_app_device', 'ios_os_version', 'ios_app_name', 'ios_sdk_version',
    // `andoid_sdk_version` is Intercom's documented spelling; the contact object's own name is accepted too.
    'android_app_version', 'android_device', 'android_app_name', 'andoid_sdk_version', 'android_sdk_version', 'android_os_version',
  ],
  date: ['last_contacted_at', 'last_replied_at', 'last_email_opened_at', 'last_email_clicked_at', 'ios_last_seen_at', 'android_last_seen_at'],
  boolean: ['marked_email_as_spam', 'has_hard_bounced'],
};

const STANDARD: SearchField[] = [
  storedField('id', 'string', 'text', c.id, { notNull: true }),
  storedField('role', 'string', 'text', c.role, { notNull: true, values: ['user', 'lead'] }),
  storedField('name', 'string', 'text', c.text('name')),
  storedField('avatar', 'string', 'text', c.text('avatar')),
  storedField('email', 'string', 'text', c.emailLower, { lowerCase: true }),
  storedField('email_domain', 'string', 'text', `nullif(split_part(${c.emailLower}, '@', 2), '')`, { lowerCase: true }),
  storedField('phone', 'string', 'text', c.text('phone')),
  storedField('external_id', 'string', 'text', c.externalId),
  storedField('owner_id', 'integer', 'bigint', c.bigint('owner_id')),
  // The list index (workspace_id, created_at, id) serves created_at filters and is the default order.
  field('created_at', 'date', 'bigint', c.createdAt, { notNull: true }),
  storedField('updated_at', 'date', 'bigint', c.bigint('updated_at'), { notNull: true }),
  storedField('signed_up_at', 'date', 'bigint', c.bigint('signed_up_at')),
  storedField('last_seen_at', 'date', 'bigint', c.bigint('last_seen_at')),
  storedField('unsubscribed_from_emails', 'boolean', 'boolean', c.unsubscribed, { notNull: true }),
  // Compiled to the segment's own query, inlined (search-compiler.ts); an unknown segment has no members.
  field('segment_id', 'segment', 'text', 'NULL::text', { sortable: false }),
  // Compiled to the rows `tag_id:<id>` of contact_search_values (search-compiler.ts).
  field('tag_id', 'tag', 'text', c.ids('tag_ids'), { sortable: false }),
  ...NO_SOURCE.string.map((name) => field(name, 'string', 'text', 'NULL::text')),
  ...NO_SOURCE.date.map((name) => field(name, 'date', 'bigint', 'NULL::bigint')),
  ...NO_SOURCE.boolean.map((name) => field(name, 'boolean', 'boolean', 'false', { notNull: true })),
];

// 2.16 makes owner_id a string everywhere and adds formatted_phone.
const V16: SearchField[] = [
  storedField('owner_id', 'string', 'text', c.text('owner_id')),
  storedField('formatted_phone', 'string', 'text', c.text('phone'), { key: 'phone' }),
];

const byName = (fields: SearchField[]) => new Map(fields.map((f) => [f.name, f]));
const STANDARD_FIELDS = byName(STANDARD);
const V16_FIELDS = byName([...STANDARD, ...V16]);

/** A segment as the search inlines it: its query, in the version it was written in, over contacts of one role. */
export interface SavedSearch {
  id: string;
  query: unknown;
  personType: 'user' | 'contact';
  version: ApiVersion;
}

export interface SearchContext {
  /** The workspace's active contact data attributes. */
  attributes: ReadonlyMap<string, DataType>;
  version: ApiVersion;
  /** The segments the query names (segment_id), read before compiling; a segment missing here has no members. */
  segments?: ReadonlyMap<string, SavedSearch>;
}

/** `requestField` names the part of the request that mentioned the field, for the error. */
export function resolveField(name: unknown, context: SearchContext, requestField = 'query'): SearchField {
  checkFieldName(name, requestField);
  if (name.startsWith(CUSTOM_PREFIX)) return customField(name.slice(CUSTOM_PREFIX.length), context, requestField);
  const known = (supports(context.version, 'formattedPhoneSearch') ? V16_FIELDS : STANDARD_FIELDS).get(name);
  if (!known) throw new SearchQueryInvalidError(`'${name}' is not a searchable contact field`, requestField);
  return known;
}

/** A filter's field name: a string no longer than a custom attribute's full name (a longer one is not echoed). */
export function checkFieldName(name: unknown, requestField = 'query'): asserts name is string {
  if (typeof name !== 'string' || name === '') throw new SearchQueryInvalidError("Each filter needs a 'field' string", requestField);
  const longest = CUSTOM_PREFIX.length + LIMITS.customNameChars;
  if (name.length > longest) throw new SearchQueryInvalidError(`A field name can be at most ${longest} characters, got ${name.length}`, requestField);
}

function customField(key: string, context: SearchContext, requestField: string): SearchField {
  const dataType = context.attributes.get(key);
  if (!dataType) throw new SearchQueryInvalidError(`Custom attribute '${key}' does not exist`, requestField);
  const field = customAttributeField(key, dataType, (params) => c.customAttribute(params.bind(key, 'text')));
  return { ...field, stored: { key: (params) => params.bind(CUSTOM_PREFIX + key, 'text'), column: COLUMN_OF[field.type] } };
}

/**
 * A custom attribute of a data type as a search field, over the JSON value `value` binds (a contact's or a company's):
 * the type guard keeps a stray value of another JSON type from failing the cast for the whole query.
 */
export function customAttributeField(key: string, dataType: DataType, value: (params: SqlParams) => string): SearchField {
  const type: SearchType = dataType === 'datetime' ? 'date' : dataType;
  const sqlType: SqlType = type === 'string' ? 'text' : type === 'boolean' ? 'boolean' : 'numeric';
  const jsonType = sqlType === 'text' ? 'string' : sqlType === 'boolean' ? 'boolean' : 'number';
  return {
    name: CUSTOM_PREFIX + key,
    type,
    sqlType,
    sql: (params) => {
      const json = value(params);
      return `(CASE WHEN jsonb_typeof(${json}) = '${jsonType}' THEN (${json} #>> '{}')::${sqlType} END)`;
    },
    sortable: true,
  };
}

/** Whether a request mentions any custom attribute: only those requests need to read data_attributes. */
export function mentionsCustomAttributes(...nodes: unknown[]): boolean {
  return nodes.some((node) => JSON.stringify(node ?? null).includes(`"${CUSTOM_PREFIX}`));
}

/** Collects bound values; every value reaches SQL as `$n`, never as text in the statement. */
export class SqlParams {
  readonly values: unknown[] = [];

  bind(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}
