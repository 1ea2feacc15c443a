import { CUSTOM_PREFIX } from '../domain/contact.events.js';
import type { DataType } from '../domain/contact.state.js';
import { checkListValues, checkedOperator, compileValue, filterOf, groupItems, scalar } from '../search/search-compiler.js';
import { type SearchField, type SearchType, type SqlParams, type SqlType, checkFieldName, customAttributeField } from '../search/search-fields.js';
import { SearchQueryInvalidError as Invalid } from '../search/search.errors.js';

/** user_count and last_request_at of the company `c`: its company_contact_stats slots, read by their key prefix. */
const STATS = (aggregate: string) =>
  `(SELECT ${aggregate} FROM company_contact_stats s WHERE s.workspace_id = c.workspace_id AND s.company_id = c.id)`;

const field = (name: string, type: SearchType, sqlType: SqlType, sql: string, notNull = false): SearchField => ({
  name, type, sqlType, sql: () => sql, sortable: false, notNull,
});
// The aggregate validates each field's JSON type on write, so the casts cannot fail; `->>` turns a JSON null into NULL.
const text = (name: string, key = name) => field(name, 'string', 'text', `(c.state->>'${key}')`);

/**
 * The fields a company segment's query may name, as SQL over the companies row `c` (company.projection.ts). `plan`
 * and `industry` read exactly the expressions migration 970 indexes; `name` the generated column its index holds.
 * Sessions are not tracked, so session_count is 0 on every company, as the company object answers.
 */
const COMPANY_FIELDS = new Map(
  [
    field('id', 'string', 'text', 'c.id', true),
    field('company_id', 'string', 'text', 'c.company_id', true),
    field('name', 'string', 'text', 'c.name'),
    text('plan'),
    text('website'),
    text('industry'),
    field('size', 'integer', 'bigint', "(c.state->>'size')::bigint"),
    field('monthly_spend', 'float', 'numeric', "(c.state->>'monthly_spend')::numeric"),
    field('user_count', 'integer', 'bigint', `coalesce(${STATS('sum(s.users)')}, 0)`, true),
    field('session_count', 'integer', 'bigint', '0', true),
    field('created_at', 'date', 'bigint', 'c.created_at', true),
    field('remote_created_at', 'date', 'bigint', "(c.state->>'remote_created_at')::bigint"),
    field('updated_at', 'date', 'bigint', "(c.state->>'updated_at')::bigint", true),
    field('last_request_at', 'date', 'bigint', STATS('max(s.last_request_at)')),
    field('tag_id', 'tag', 'text', 'NULL::text'),
  ].map((f) => [f.name, f]),
);

export const COMPANY_FIELD_NAMES = [...COMPANY_FIELDS.keys(), `${CUSTOM_PREFIX}<name>`];

/** What a company query is compiled with: the workspace's active company data attributes, and the bound workspace. */
export interface CompanyFilterContext {
  attributes: ReadonlyMap<string, DataType>;
  workspace: string;
}

/**
 * Compiles a company segment's query (the search DSL's shape and bounds: field/operator/value, AND/OR at most
 * MAX_DEPTH deep and MAX_GROUP_SIZE wide, the same operators per type) to one SQL boolean over the companies row `c`.
 * Field names only come from COMPANY_FIELDS; every value, a custom attribute's name included, is bound.
 */
export function compileCompanyFilter(query: unknown, context: CompanyFilterContext, params: SqlParams): string {
  checkListValues(query);
  return compileNode(query, context, params, 0);
}

function compileNode(node: unknown, context: CompanyFilterContext, params: SqlParams, depth: number): string {
  const filter = filterOf(node);
  if (filter.operator === 'AND' || filter.operator === 'OR') {
    const parts = groupItems(filter.operator, filter.value, depth).map((item) => compileNode(item, context, params, depth + 1));
    return `(${parts.join(` ${filter.operator} `)})`;
  }
  const resolved = resolveCompanyField(filter.field, context.attributes);
  const operator = checkedOperator(resolved, filter);
  if (resolved.type === 'tag' && filter.value !== null) return compileTag(operator, scalar(resolved, operator, filter.value) as string, context, params);
  return compileValue(resolved, operator, filter.value, params);
}

export function resolveCompanyField(name: unknown, attributes: ReadonlyMap<string, DataType>): SearchField {
  checkFieldName(name);
  if (name.startsWith(CUSTOM_PREFIX)) {
    const key = name.slice(CUSTOM_PREFIX.length);
    const dataType = attributes.get(key);
    if (!dataType) throw new Invalid(`Custom attribute '${key}' does not exist on companies`);
    return customAttributeField(key, dataType, (params) => `c.state->'custom_attributes'->${params.bind(key, 'text')}`);
  }
  const known = COMPANY_FIELDS.get(name);
  if (!known) throw new Invalid(`'${name}' is not a searchable company field; use one of ${COMPANY_FIELD_NAMES.join(', ')}`);
  return known;
}

/** A tag on the company: a primary-key probe of company_tags. */
function compileTag(operator: string, tagId: string, context: CompanyFilterContext, params: SqlParams): string {
  const probe = `EXISTS (SELECT 1 FROM company_tags t WHERE t.workspace_id = ${context.workspace} AND t.company_id = c.id AND t.tag_id = ${params.bind(tagId, 'text')})`;
  return operator === '=' ? probe : `NOT ${probe}`;
}
