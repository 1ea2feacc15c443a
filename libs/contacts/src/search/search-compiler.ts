import { type SearchContext, type SearchField, type SearchType, type SqlParams, resolveField } from './search-fields.js';
import { LIMITS } from '@app/intercom';
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
};
const TYPE_NAMES: Record<SearchType, string> = { string: 'String', boolean: 'Boolean', integer: 'Integer', float: 'Float', date: 'Date', tag: 'tag_id' };
const KNOWN_OPERATORS = new Set(Object.values(OPERATORS).flat());

type Filter = { field?: unknown; operator?: unknown; value?: unknown };

/**
 * Compiles Intercom's search DSL to one SQL boolean over the row `c`. Field names only ever come
 * from the whitelist in search-fields.ts; every value (custom attribute names included) is bound.
 * Negative operators (`!=`, `NIN`, `!~`) match contacts without a value, as a missing value is "not equal".
 * Positive ones may yield NULL for such contacts: groups are never negated, so NULL acts as false, and the
 * bare comparison stays usable by an index.
 */
export function compileFilter(query: unknown, context: SearchContext, params: SqlParams): string {
  const listValues = countListValues(query, 0);
  if (listValues > LIMITS.searchListValues) {
    throw new Invalid(`The IN and NIN lists of a query can hold at most ${LIMITS.searchListValues} values together, got ${listValues}`);
  }
  return compileNode(query, context, params, 0);
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

function compileNode(node: unknown, context: SearchContext, params: SqlParams, depth: number): string {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new Invalid('A filter must be an object: {field, operator, value} or {operator: AND|OR, value: [filters]}');
  }
  const filter = node as Filter;
  if (filter.operator === 'AND' || filter.operator === 'OR') return compileGroup(filter.operator, filter.value, context, params, depth);
  return compileSingle(filter, context, params);
}

function compileGroup(operator: 'AND' | 'OR', items: unknown, context: SearchContext, params: SqlParams, depth: number): string {
  if (depth >= MAX_DEPTH) throw new Invalid(`Filters can be nested at most ${MAX_DEPTH} levels deep`);
  if (!Array.isArray(items) || items.length === 0) throw new Invalid(`The value of an ${operator} filter must be a non-empty array of filters`);
  if (items.length > MAX_GROUP_SIZE) throw new Invalid(`An ${operator} filter can hold at most ${MAX_GROUP_SIZE} filters, got ${items.length}`);
  return `(${items.map((item) => compileNode(item, context, params, depth + 1)).join(` ${operator} `)})`;
}

function compileSingle(filter: Filter, context: SearchContext, params: SqlParams): string {
  const field = resolveField(filter.field, context);
  const operator = filter.operator;
  if (typeof operator !== 'string' || !KNOWN_OPERATORS.has(operator)) {
    throw new Invalid(`'${String(operator)}' is not a search operator; use one of ${[...KNOWN_OPERATORS].join(' ')}, AND, OR`);
  }
  const allowed = OPERATORS[field.type];
  if (!allowed.includes(operator)) {
    throw new Invalid(`Operator '${operator}' is not allowed on ${field.name} (${TYPE_NAMES[field.type]}); use one of ${allowed.join(' ')}`);
  }
  if (filter.value === undefined) throw new Invalid(`The filter on ${field.name} needs a value`);
  if (filter.value === null) return compileNull(field, operator, params);
  if (operator === 'IN' || operator === 'NIN') return compileList(field, operator, filter.value, params);
  const value = scalar(field, operator, filter.value);
  switch (field.type) {
    case 'tag':
      return compileTag(operator, value as string, params);
    case 'date':
      return compileDate(field, operator, value as number, params);
    default:
      if (field.customName && (operator === '=' || operator === '!=')) return containment(field, operator === '=', [value], params);
      return compileComparison(field, operator, value, params);
  }
}

function compileNull(field: SearchField, operator: string, params: SqlParams): string {
  if ((operator !== '=' && operator !== '!=') || field.type === 'tag') throw new Invalid(`A null value only works with = and != (on ${field.name})`);
  return `${field.sql(params)} IS ${operator === '=' ? '' : 'NOT '}NULL`;
}

function compileList(field: SearchField, operator: 'IN' | 'NIN', value: unknown, params: SqlParams): string {
  if (!Array.isArray(value)) throw new Invalid(`Operator ${operator} on ${field.name} needs an array value`);
  const values = value.map((item) => scalar(field, operator, item));
  if (field.customName) return containment(field, operator === 'IN', values, params);
  const match = `${field.sql(params)} = ANY(${params.bind(values, `${field.sqlType}[]`)})`;
  return operator === 'IN' ? match : `NOT coalesce(${match}, false)`;
}

/** `@>` against custom_attributes: the jsonb_path_ops GIN index answers it. The name is inside the bound JSON. */
function containment(field: SearchField, positive: boolean, values: unknown[], params: SqlParams): string {
  const documents = values.map((value) => JSON.stringify({ [field.customName!]: value }));
  const bound = documents.length === 1 ? params.bind(documents[0], 'jsonb') : `ANY(${params.bind(documents, 'jsonb[]')})`;
  const match = `c.state->'custom_attributes' @> ${bound}`;
  return positive ? match : `NOT coalesce(${match}, false)`;
}

function compileTag(operator: string, tagId: string, params: SqlParams): string {
  const match = `c.state->'tag_ids' @> ${params.bind(JSON.stringify([tagId]), 'jsonb')}`;
  return operator === '=' ? match : `NOT coalesce(${match}, false)`;
}

/** Intercom matches timestamps by calendar day (UTC here): `=` the whole day, `>` from the next day, `<` before it. */
function compileDate(field: SearchField, operator: string, seconds: number, params: SqlParams): string {
  const dayStart = Math.floor(seconds / DAY) * DAY;
  const column = field.sql(params);
  if (operator === '<') return `${column} < ${params.bind(dayStart, field.sqlType)}`;
  const nextDay = params.bind(dayStart + DAY, field.sqlType);
  if (operator === '>') return `${column} >= ${nextDay}`;
  return `(${column} >= ${params.bind(dayStart, field.sqlType)} AND ${column} < ${nextDay})`;
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
function scalar(field: SearchField, operator: string, value: unknown): string | number | boolean {
  const wrong = (expected: string) =>
    new Invalid(`The value for ${field.name} ${operator} must be ${expected}, got ${JSON.stringify(value)}`);
  switch (field.type) {
    case 'string':
    case 'tag': {
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
