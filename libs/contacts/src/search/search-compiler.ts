import {
  type SavedSearch,
  type SearchContext,
  type SearchField,
  type SearchType,
  type SqlParams,
  type SqlType,
  type StoredField,
  resolveField,
} from './search-fields.js';
import { LIMITS } from '@app/intercom';
import { CUSTOM_PREFIX } from '../domain/contact.events.js';
import { contactColumns } from '../store/contact-state.columns.js';
import { SearchQueryInvalidError as Invalid } from './search.errors.js';

export const MAX_DEPTH = 2;
export const MAX_GROUP_SIZE = 15;
const DAY = 86_400;

const OPERATORS: Record<SearchType, readonly string[]> = {
  string: ['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$'],
  boolean: ['=', '!=', 'IN', 'NIN'],
  integer: ['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>='],
  float: ['=', '!=', 'IN', 'NIN', '<', '>', '<=', '>='],
  date: ['=', '<', '>'],
  tag: ['=', '!='],
  segment: ['=', '!=', 'IN', 'NIN'],
};
const TYPE_NAMES: Record<SearchType, string> = {
  string: 'String', boolean: 'Boolean', integer: 'Integer', float: 'Float', date: 'Date', tag: 'tag_id', segment: 'segment_id',
};
const KNOWN_OPERATORS = new Set(Object.values(OPERATORS).flat());

export type Filter = { field?: unknown; operator?: unknown; value?: unknown };

/**
 * A compiled filter: `sql` is a boolean over the row `c`. A positive filter on stored fields also knows `ids`: selects
 * of contact_search_values whose union is exactly its matching (listed) contacts, which the page joins. `stored` marks
 * a filter on one stored field: it merges with another on the same field into one index range (each contact holds at
 * most one value per field), and its count and page read contact_search_values alone.
 */
export interface CompiledFilter {
  sql: string;
  ids?: string[];
  stored?: StoredMatch;
}

/** The rows of contact_search_values `v` that match a filter on one stored field. */
export interface StoredMatch {
  /** The field's name, for merging: filters on the same field share its bound key. */
  field: string;
  /** The workspace and the field of the rows. */
  scope: string;
  /** The filter's condition over `v`. */
  cond: string;
  /** One `=` on a value, whose index holds its matches in the list's order. */
  equality: boolean;
  /**
   * A pattern's mapped form alone, which its trigram index selects rows by: the planner's estimate of it is the
   * closer one (at 1M contacts 4.1 times off in geometric mean over 18 fragments, against 11.7 for both conditions),
   * though still a default for the fragment's length (the partial index's expression has no statistics), so a page 1
   * whose walk filled it estimates from the walk instead (patternEstimate).
   */
  selects?: string;
}

/** SQL of the search's workspace (the plan binds it first) and the parameters, for the whole compilation. */
interface Scope {
  context: SearchContext;
  params: SqlParams;
  workspace: string;
  /** Each stored field's key is bound once: filters on one field merge, and every bound value must appear in the SQL. */
  keys: Map<string, string>;
  /**
   * For one known contact `c` (a segment's members among given contacts): a positive filter on a stored field probes
   * that contact's rows by primary key instead of selecting every match.
   */
  probe: boolean;
  /**
   * A filter on several fields: a positive filter that an index of the contact row serves (rowCondition) is a
   * condition on that row, so that the planner combines those indexes' bitmaps before it reads a row.
   */
  row: boolean;
}

/**
 * Compiles Intercom's search DSL to one SQL boolean over the row `c`. With `rowIndexes` (a large workspace:
 * ROW_INDEXES_MIN_CONTACTS), a filter on several fields puts on the contact row what its indexes serve (rowCondition). Field names only ever come
 * from the whitelist in search-fields.ts; every value (custom attribute names included) is bound.
 * Negative operators (`!=`, `NIN`, `!~`) match contacts without a value, as a missing value is "not equal":
 * on a stored field they are NOT EXISTS probes of contact_search_values by primary key.
 */
export function compileFilter(query: unknown, context: SearchContext, params: SqlParams, workspace: string, rowIndexes = false): CompiledFilter {
  checkListValues(query);
  const bound = params.values.length;
  const compiled = compileNode(query, { context, params, workspace, keys: new Map(), probe: false, row: false }, 0);
  if (compiled.stored || !rowIndexes) return compiled;
  // Not one stored field's rows, in a workspace the row's indexes serve: compiled again, on the contact row where its
  // indexes serve a filter.
  params.values.length = bound;
  return compileNode(query, { context, params, workspace, keys: new Map(), probe: false, row: true }, 0);
}

/** The IN and NIN lists of a whole query hold at most LIMITS.searchListValues values together. */
export function checkListValues(query: unknown): void {
  const listValues = countListValues(query, 0);
  if (listValues > LIMITS.searchListValues) {
    throw new Invalid(`The IN and NIN lists of a query can hold at most ${LIMITS.searchListValues} values together, got ${listValues}`);
  }
}

/**
 * A segment's members as one SQL boolean over the row `c`: contacts of its person type that match its query,
 * compiled in the version it was written in. `probe` compiles for a few known contacts (primary-key probes).
 */
export function compileSegment(segment: SavedSearch, context: SearchContext, params: SqlParams, workspace: string, probe: boolean): string {
  return compileSaved(segment, { context, params, workspace, keys: new Map(), probe, row: false }).sql;
}

const c = contactColumns('c');

/**
 * A query on one stored field stays one (its rows, those of the segment's role: each row carries its contact's role),
 * so that a segment such as `plan = pro` pages and counts from its value index like the query itself; any other keeps
 * the role as the contacts column, beside a filter that selects the rows.
 */
function compileSaved(segment: SavedSearch, scope: Scope): CompiledFilter {
  const inner: Scope = { ...scope, context: { attributes: scope.context.attributes, version: segment.version } };
  const role = scope.params.bind(segment.personType === 'user' ? 'user' : 'lead', 'text');
  const query = compileNode(segment.query, inner, 0);
  if (!query.stored) return { sql: `(${c.role} = ${role} AND ${query.sql})` };
  const { field, scope: rows, cond, equality, selects } = query.stored;
  const ofRole = (condition: string) => `(${condition} AND v.role = ${role})`;
  return storedMatch(scope, field, rows, ofRole(cond), equality, selects && ofRole(selects));
}

/**
 * `segment_id` inlines each named segment's query (a segment's own query cannot name segments). A segment whose query
 * no longer compiles (it names a data attribute archived since) has no members until it does again, like one that
 * does not exist; its partial bindings are taken back, since every bound value must appear in the SQL.
 */
function compileSegmentFilter(operator: string, value: unknown, scope: Scope): CompiledFilter {
  const list = operator === 'IN' || operator === 'NIN';
  if (list !== Array.isArray(value)) throw new Invalid(list ? `Operator ${operator} on segment_id needs an array value` : 'The value for segment_id must be a string');
  const ids = (list ? (value as unknown[]) : [value]).map((id) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > LIMITS.stringChars) throw new Invalid(`The value for segment_id ${operator} must be a segment id, got ${JSON.stringify(id)?.slice(0, 40)}`);
    return id;
  });
  const members = ids.map((id): CompiledFilter => {
    const segment = scope.context.segments?.get(id);
    if (!segment) return { sql: 'false' };
    const [bound, keys] = [scope.params.values.length, new Map(scope.keys)];
    try {
      return compileSaved(segment, scope);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      scope.params.values.length = bound;
      scope.keys.clear();
      for (const [name, key] of keys) scope.keys.set(name, key);
      return { sql: 'false' };
    }
  });
  if (operator === '=') return members[0];
  const any = members.length === 1 ? members[0].sql : `(${members.map((member) => member.sql).join(' OR ')})`;
  return { sql: operator === 'IN' ? any : `NOT coalesce(${any}, false)` };
}

/** The values of every IN/NIN list, counted before any is compiled, so that a huge list costs nothing. */
function countListValues(node: unknown, depth: number): number {
  if (typeof node !== 'object' || node === null || depth > MAX_DEPTH) return 0;
  const { operator, value } = node as Filter;
  if (!Array.isArray(value)) return 0;
  if (operator === 'IN' || operator === 'NIN') return value.length;
  if (operator !== 'AND' && operator !== 'OR') return 0;
  return value.slice(0, MAX_GROUP_SIZE + 1).reduce((sum: number, item) => sum + countListValues(item, depth + 1), 0);
}

/** The segment ids a query names (segment_id filters), read before compiling: the compiler reads no table. */
export function namedSegments(node: unknown, depth = 0): string[] {
  if (typeof node !== 'object' || node === null || depth > MAX_DEPTH) return [];
  const { field, operator, value } = node as Filter;
  if (operator === 'AND' || operator === 'OR') {
    return Array.isArray(value) ? [...new Set(value.slice(0, MAX_GROUP_SIZE + 1).flatMap((item) => namedSegments(item, depth + 1)))] : [];
  }
  if (field !== 'segment_id') return [];
  return (Array.isArray(value) ? value : [value]).filter((id): id is string => typeof id === 'string');
}

function compileNode(node: unknown, scope: Scope, depth: number): CompiledFilter {
  const filter = filterOf(node);
  if (filter.operator === 'AND' || filter.operator === 'OR') return compileGroup(filter.operator, filter.value, scope, depth);
  return compileSingle(filter, scope);
}

/** A node of the DSL: a single filter, or a group with `operator` AND or OR. */
export function filterOf(node: unknown): Filter {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new Invalid('A filter must be an object: {field, operator, value} or {operator: AND|OR, value: [filters]}');
  }
  return node as Filter;
}

/** The filters of a group at `depth`, within the DSL's bounds (MAX_DEPTH levels, MAX_GROUP_SIZE filters each). */
export function groupItems(operator: 'AND' | 'OR', items: unknown, depth: number): unknown[] {
  if (depth >= MAX_DEPTH) throw new Invalid(`Filters can be nested at most ${MAX_DEPTH} levels deep`);
  if (!Array.isArray(items) || items.length === 0) throw new Invalid(`The value of an ${operator} filter must be a non-empty array of filters`);
  if (items.length > MAX_GROUP_SIZE) throw new Invalid(`An ${operator} filter can hold at most ${MAX_GROUP_SIZE} filters, got ${items.length}`);
  return items;
}

function compileGroup(operator: 'AND' | 'OR', items: unknown, scope: Scope, depth: number): CompiledFilter {
  const parts = groupItems(operator, items, depth).map((item) => compileNode(item, scope, depth + 1));
  const first = parts[0].stored;
  if (first && parts.every((part) => part.stored?.field === first.field)) {
    return storedMatch(scope, first.field, first.scope, `(${parts.map((part) => part.stored!.cond).join(` ${operator} `)})`);
  }
  if (operator === 'OR' && parts.every((part) => part.ids)) return withIds(parts.flatMap((part) => part.ids!));
  return { sql: `(${parts.map((part) => part.sql).join(` ${operator} `)})` };
}

/** The rows of contact_search_values `v` of one field (its bound key) in the search's workspace (of the contact `c`, probing). */
const rowsOf = (scope: Scope, key: string) => `v.workspace_id = ${scope.workspace}${scope.probe ? ' AND v.contact_id = c.id' : ''} AND v.field = ${key}`;

/** Contacts whose value of one stored field (the rows `rows`) meets `cond` (over the row `v`). */
function storedMatch(scope: Scope, field: string, rows: string, cond: string, equality = false, selects?: string): CompiledFilter {
  const stored: StoredMatch = { field, scope: rows, cond, equality, selects };
  if (scope.probe) return { sql: `EXISTS (SELECT 1 FROM contact_search_values v WHERE ${rows} AND ${cond})`, stored };
  return { ...withIds([`SELECT v.contact_id FROM contact_search_values v WHERE ${rows} AND ${cond}`]), stored };
}

const withIds = (ids: string[]): CompiledFilter => ({ sql: `c.id IN (${ids.join(' UNION ALL ')})`, ids });

/** Contacts without a value of the field meeting `cond`: one primary-key probe per candidate row. */
function storedMiss(scope: Scope, key: string, cond: string): CompiledFilter {
  return {
    sql: `NOT EXISTS (SELECT 1 FROM contact_search_values v WHERE v.workspace_id = ${scope.workspace} AND v.contact_id = c.id AND v.field = ${key} AND ${cond})`,
  };
}

const NEGATIVE = new Set(['!=', 'NIN', '!~']);
const POSITIVE_OF: Record<string, string> = { '!=': '=', NIN: 'IN', '!~': '~' };

function compileSingle(filter: Filter, scope: Scope): CompiledFilter {
  const field = resolveField(filter.field, scope.context);
  const operator = checkedOperator(field, filter);
  if (field.type === 'segment') return compileSegmentFilter(operator, filter.value, scope);
  if (field.stored) return compileStored(field, field.stored, operator, filter.value, scope);
  if (field.type === 'tag' && filter.value !== null) return compileTag(operator, scalar(field, operator, filter.value) as string, scope);
  return { sql: compileValue(field, operator, filter.value, scope.params) };
}

/** The filter's operator, known and allowed on the field's type, with a value to compare. */
export function checkedOperator(field: SearchField, filter: Filter): string {
  const operator = filter.operator;
  if (typeof operator !== 'string' || !KNOWN_OPERATORS.has(operator)) {
    throw new Invalid(`'${String(operator)}' is not a search operator; use one of ${[...KNOWN_OPERATORS].join(' ')}, AND, OR`);
  }
  const allowed = OPERATORS[field.type];
  if (!allowed.includes(operator)) {
    throw new Invalid(`Operator '${operator}' is not allowed on ${field.name} (${TYPE_NAMES[field.type]}); use one of ${allowed.join(' ')}`);
  }
  if (filter.value === undefined) throw new Invalid(`The filter on ${field.name} needs a value`);
  return operator;
}

/** A filter on a field read from the row itself (its `sql`), the operator checked: a boolean over that row. */
export function compileValue(field: SearchField, operator: string, value: unknown, params: SqlParams): string {
  if (value === null) return compileNull(field, operator, params);
  if (operator === 'IN' || operator === 'NIN') return compileList(field, operator, value, params);
  const checked = scalar(field, operator, value);
  if (field.type === 'date') return compileDate(field.sql(params), field.sqlType, operator, checked as number, params);
  return compileComparison(field, operator, checked, params);
}

function compileStored(field: SearchField, stored: StoredField, operator: string, value: unknown, scope: Scope): CompiledFilter {
  const row = scope.row && value !== null ? rowCondition(field, operator, value, scope.params) : null;
  if (row) return { sql: row };
  const key = scope.keys.get(field.name) ?? stored.key(scope.params);
  scope.keys.set(field.name, key);
  const column = `v.${stored.column}`;
  if (value === null) {
    if ((operator !== '=' && operator !== '!=') || field.type === 'tag') throw new Invalid(`A null value only works with = and != (on ${field.name})`);
    const present = `${column} IS NOT NULL`;
    return operator === '=' ? storedMiss(scope, key, present) : storedMatch(scope, field.name, rowsOf(scope, key), present);
  }
  const { cond, selects } = storedCondition(field, column, operator, value, scope.params);
  if (NEGATIVE.has(operator)) return storedMiss(scope, key, cond);
  return storedMatch(scope, field.name, rowsOf(scope, key), cond, operator === '=' && field.type !== 'date', selects);
}

/** The values of text fields the contact row's trigram indexes hold (migration 1764200001130), as SQL over `c`. */
const ROW_TRIGRAMS: Record<string, string> = { email: c.emailLower, name: c.text('name'), phone: c.text('phone'), formatted_phone: c.text('phone') };
/** The times the contact row's btree indexes hold, each after the workspace. */
const ROW_TIMES: Record<string, string> = { last_seen_at: c.number('last_seen_at'), signed_up_at: c.number('signed_up_at'), updated_at: c.number('updated_at') };

/**
 * A positive filter as a condition on the contact row `c`, where one of its indexes serves it (migration
 * 1764200001130), else null: a pattern on email, name or phone (the same conditions as on contact_search_values:
 * the mapped pattern selects by trigrams, the pattern decides), a time compared, and `=` on a custom attribute of
 * any type but a date (containment of the one key and its JSON value: a string equals a string only, a number a
 * number of the same value, as the typed columns compare). Each is NULL (no match) where the contact has no value.
 */
function rowCondition(field: SearchField, operator: string, value: unknown, params: SqlParams): string | null {
  const pattern = LIKE_PATTERNS[operator];
  const trigrams = ROW_TRIGRAMS[field.name];
  if (pattern && operator !== '!~' && trigrams) {
    const like = field.lowerCase ? 'LIKE' : 'ILIKE';
    const bound = params.bind(pattern(escapeLike(scalar(field, operator, value) as string)), 'text');
    return `(${trigrams} ${like} ${bound} AND contact_search_trigram_text(${trigrams}) ${like} contact_search_trigram_text(${bound}))`;
  }
  const time = ROW_TIMES[field.name];
  if (time && field.type === 'date') return compileDate(time, 'numeric', operator, scalar(field, operator, value) as number, params);
  if (field.name.startsWith(CUSTOM_PREFIX) && operator === '=' && field.type !== 'date') {
    const attribute = { [field.name.slice(CUSTOM_PREFIX.length)]: scalar(field, operator, value) };
    return `${c.customAttributes} @> ${params.bind(JSON.stringify(attribute), 'jsonb')}`;
  }
  return null;
}

/** The condition on the row `v` of contact_search_values that a negative operator requires no row to meet. */
function storedCondition(field: SearchField, column: string, asked: string, value: unknown, params: SqlParams): { cond: string; selects?: string } {
  const operator = POSITIVE_OF[asked] ?? asked;
  const cast = field.stored!.column === 'text_value' ? 'text' : field.stored!.column === 'number_value' ? 'numeric' : 'boolean';
  if (operator === 'IN') {
    if (!Array.isArray(value)) throw new Invalid(`Operator ${asked} on ${field.name} needs an array value`);
    const values = value.map((item) => scalar(field, asked, item));
    return { cond: `${column} = ANY(${params.bind(values, `${cast}[]`)})` };
  }
  const scalarValue = scalar(field, asked, value);
  const pattern = LIKE_PATTERNS[operator];
  if (pattern) {
    // The trigram indexes hold the value with its punctuation mapped to a letter (migration 1764200001090): the
    // mapped pattern on the mapped value selects the rows from them, the pattern on the value decides. Written
    // first, the value's own pattern is all that a walk of the field evaluates for a row that does not match.
    const like = field.lowerCase ? 'LIKE' : 'ILIKE';
    const bound = params.bind(pattern(escapeLike(scalarValue as string)), 'text');
    const selects = `contact_search_trigram_text(${column}) ${like} contact_search_trigram_text(${bound})`;
    return { cond: `(${column} ${like} ${bound} AND ${selects})`, selects };
  }
  if (field.type === 'date') return { cond: compileDate(column, 'numeric', operator, scalarValue as number, params) };
  return { cond: `${column} ${operator} ${params.bind(scalarValue, cast)}` };
}

function compileNull(field: SearchField, operator: string, params: SqlParams): string {
  if ((operator !== '=' && operator !== '!=') || field.type === 'tag') throw new Invalid(`A null value only works with = and != (on ${field.name})`);
  return `${field.sql(params)} IS ${operator === '=' ? '' : 'NOT '}NULL`;
}

function compileList(field: SearchField, operator: 'IN' | 'NIN', value: unknown, params: SqlParams): string {
  if (!Array.isArray(value)) throw new Invalid(`Operator ${operator} on ${field.name} needs an array value`);
  const values = value.map((item) => scalar(field, operator, item));
  const match = `${field.sql(params)} = ANY(${params.bind(values, `${field.sqlType}[]`)})`;
  return operator === 'IN' ? match : `NOT coalesce(${match}, false)`;
}

/**
 * A tag is a row of its own in contact_search_values, keyed `tag_id:<id>` (a contact has many tags, one row per field
 * key): `=` reads that key's rows in the list's order, `!=` probes for it.
 */
function compileTag(operator: string, tagId: string, scope: Scope): CompiledFilter {
  const name = `tag_id:${tagId}`;
  const key = scope.keys.get(name) ?? scope.params.bind(name, 'text');
  scope.keys.set(name, key);
  const cond = 'v.boolean_value';
  return operator === '=' ? storedMatch(scope, name, rowsOf(scope, key), cond, true) : storedMiss(scope, key, cond);
}

/** Intercom matches timestamps by calendar day (UTC here): `=` the whole day, `>` from the next day, `<` before it. */
function compileDate(column: string, sqlType: SqlType, operator: string, seconds: number, params: SqlParams): string {
  const dayStart = Math.floor(seconds / DAY) * DAY;
  if (operator === '<') return `${column} < ${params.bind(dayStart, sqlType)}`;
  const nextDay = params.bind(dayStart + DAY, sqlType);
  if (operator === '>') return `${column} >= ${nextDay}`;
  return `(${column} >= ${params.bind(dayStart, sqlType)} AND ${column} < ${nextDay})`;
}

const LIKE_PATTERNS: Record<string, (text: string) => string> = {
  '~': (text) => `%${text}%`,
  '!~': (text) => `%${text}%`,
  '^': (text) => `${text}%`,
  $: (text) => `%${text}`,
};

function compileComparison(field: SearchField, operator: string, value: unknown, params: SqlParams): string {
  const column = field.sql(params);
  const pattern = LIKE_PATTERNS[operator];
  if (pattern) {
    // Lower-cased columns are matched with LIKE on a lower-cased pattern, which their trigram index serves.
    const like = `${column} ${field.lowerCase ? 'LIKE' : 'ILIKE'} ${params.bind(pattern(escapeLike(value as string)), 'text')}`;
    return operator === '!~' ? `NOT coalesce(${like}, false)` : like;
  }
  const bound = params.bind(value, field.sqlType);
  return operator === '!=' ? `${column} IS DISTINCT FROM ${bound}` : `${column} ${operator} ${bound}`;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Checks a value against the field's type; numbers may arrive as numeric strings (the spec's own example does). */
export function scalar(field: SearchField, operator: string, value: unknown): string | number | boolean {
  const wrong = (expected: string) =>
    new Invalid(`The value for ${field.name} ${operator} must be ${expected}, got ${JSON.stringify(value)}`);
  switch (field.type) {
    case 'string':
    case 'tag':
    case 'segment': {
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) throw wrong('a string');
      const pattern = LIKE_PATTERNS[operator] !== undefined;
      const limit = pattern ? LIMITS.searchPatternChars : LIMITS.searchValueChars;
      if (typeof value === 'string' && value.length > limit) {
        // Not `wrong`: the message must not repeat a value this long.
        throw new Invalid(`The ${pattern ? 'pattern' : 'value'} for ${field.name} ${operator} can be at most ${limit} characters, got ${value.length}`);
      }
      // PostgreSQL text cannot hold NUL, and no stored value contains one.
      if (typeof value === 'string' && value.includes('\u0000')) throw wrong('a string without NUL characters');
      const text = field.lowerCase ? String(value).toLowerCase() : String(value);
      if (field.values && !pattern && !field.values.includes(text)) throw wrong(`one of ${field.values.join(', ')}`);
      return text;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw wrong('true or false');
    case 'integer':
    case 'date': {
      const number = typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value;
      if (!Number.isSafeInteger(number)) throw wrong(field.type === 'date' ? 'a Unix timestamp in seconds' : 'an integer');
      return number as number;
    }
    case 'float': {
      const number = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) throw wrong('a number');
      return number;
    }
  }
}
