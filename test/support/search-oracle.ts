/**
 * Intercom's search DSL evaluated in memory over contact states: the oracle the property test compares the
 * service's SQL (contact_search_values and its indexes) against. Written from the contract, not from the compiler:
 * patterns are case-insensitive, email compares lower-cased, dates match by UTC calendar day, a negative operator
 * matches a contact without a value, and a custom attribute's value counts only when its JSON type is the attribute's.
 */
type State = Record<string, any>;
type Filter = { field?: string; operator: string; value: any };

const DAY = 86_400;
const LOWER = new Set(['email', 'email_domain']);

export type AttributeTypes = Record<string, 'string' | 'integer' | 'float' | 'boolean' | 'date' | 'datetime'>;

export function matches(state: State, filter: Filter, attributes: AttributeTypes): boolean {
  if (filter.operator === 'AND') return filter.value.every((f: Filter) => matches(state, f, attributes));
  if (filter.operator === 'OR') return filter.value.some((f: Filter) => matches(state, f, attributes));
  const field = filter.field!;
  if (field === 'tag_id') {
    const has = (state.tag_ids as string[]).includes(String(filter.value));
    return filter.operator === '=' ? has : !has;
  }
  const value = fieldValue(state, field, attributes);
  const negative = filter.operator === '!=' || filter.operator === 'NIN' || filter.operator === '!~';
  if (filter.value === null) return filter.operator === '=' ? value === undefined : value !== undefined;
  if (value === undefined) return negative;
  const positive = { '!=': '=', NIN: 'IN', '!~': '~' }[filter.operator] ?? filter.operator;
  const hit = test(field, value, positive, filter.value, isDate(field, attributes));
  return negative ? !hit : hit;
}

function isDate(field: string, attributes: AttributeTypes): boolean {
  if (field.startsWith('custom_attributes.')) return ['date', 'datetime'].includes(attributes[field.slice(18)]);
  return field.endsWith('_at');
}

function fieldValue(state: State, field: string, attributes: AttributeTypes): string | number | boolean | undefined {
  if (field.startsWith('custom_attributes.')) {
    const name = field.slice(18);
    const raw = state.custom_attributes?.[name];
    const type = attributes[name];
    const json = type === 'string' ? 'string' : type === 'boolean' ? 'boolean' : 'number';
    return typeof raw === json ? raw : undefined;
  }
  if (field === 'email_domain') return state.email ? String(state.email).toLowerCase().split('@')[1] || undefined : undefined;
  if (field === 'email') return present(state.email?.toLowerCase());
  if (field === 'unsubscribed_from_emails') return state.unsubscribed_from_emails === true;
  return present(state[field]);
}

const present = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

function test(field: string, value: string | number | boolean, operator: string, wanted: any, date: boolean): boolean {
  const norm = (v: any) => (LOWER.has(field) ? String(v).toLowerCase() : v);
  if (operator === 'IN') return (wanted as any[]).some((w) => same(value, norm(w)));
  if (typeof value === 'string') {
    const text = value.toLowerCase();
    const pattern = String(wanted).toLowerCase();
    if (operator === '~') return text.includes(pattern);
    if (operator === '^') return text.startsWith(pattern);
    if (operator === '$') return text.endsWith(pattern);
    return value === String(norm(wanted));
  }
  if (typeof value === 'boolean') return value === (wanted === true || wanted === 'true');
  const number = Number(wanted);
  if (date) {
    const day = Math.floor(number / DAY) * DAY;
    if (operator === '<') return value < day;
    if (operator === '>') return value >= day + DAY;
    return value >= day && value < day + DAY;
  }
  switch (operator) {
    case '<':
      return value < number;
    case '>':
      return value > number;
    case '<=':
      return value <= number;
    case '>=':
      return value >= number;
    default:
      return value === number;
  }
}

function same(value: string | number | boolean, wanted: any): boolean {
  if (typeof value === 'number') return value === Number(wanted);
  if (typeof value === 'boolean') return value === (wanted === true || wanted === 'true');
  return value === String(wanted);
}
