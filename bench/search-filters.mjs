// The EXPLAIN-only list: every field type and operator family of the search DSL (search-fields.ts,
// search-compiler.ts), with values taken from one seeded contact that has every field set.
import { explainStatements, statementsFor } from './search-explain.mjs';

const DAY = 86_400;
const STRING_OPERATORS = ['=', '!=', 'IN', 'NIN', '~', '!~', '^', '$'];
const NUMBER_OPERATORS = ['=', '!=', 'IN', '<', '>', '<=', '>='];
const DATE_OPERATORS = ['=', '<', '>'];

/** A contact of the workspace with a value in every field (about 1 in 100 has all of them; the scan stops at the first). */
async function sampleContact(db, workspaceId) {
  const { rows } = await db.query(
    `SELECT state FROM contacts
      WHERE workspace_id = $1 AND role = 'user' AND state->>'phone' IS NOT NULL AND state->>'owner_id' IS NOT NULL
        AND state->>'signed_up_at' IS NOT NULL AND state->>'last_seen_at' IS NOT NULL
        AND state->'custom_attributes' ?& array['seats', 'score', 'renewal_at'] AND jsonb_array_length(state->'tag_ids') > 0
      LIMIT 1`,
    [workspaceId],
  );
  if (!rows.length) throw new Error('the search workspace holds no contact with every field set');
  return rows[0].state;
}

const middle = (text, length = 4) => text.slice(Math.floor((text.length - length) / 2), Math.floor((text.length - length) / 2) + length);

function stringFilters(field, value, other) {
  const values = { '=': value, '!=': value, IN: [value, other], NIN: [value, other], '~': middle(value), '!~': middle(value), '^': value.slice(0, 4), $: value.slice(-4) };
  return STRING_OPERATORS.map((operator) => ({ field, operator, value: values[operator] }));
}

function numberFilters(field, value, step) {
  const values = { IN: [value, value + step] };
  const filters = NUMBER_OPERATORS.map((operator) => ({ field, operator, value: values[operator] ?? value }));
  const range = { operator: 'AND', value: [{ field, operator: '>=', value }, { field, operator: '<', value: value + 10 * step }] };
  return [...filters, { name: `${field} range`, query: range }];
}

function dateFilters(field, seconds) {
  const filters = DATE_OPERATORS.map((operator) => ({ field, operator, value: seconds }));
  const range = { operator: 'AND', value: [{ field, operator: '>', value: seconds - 30 * DAY }, { field, operator: '<', value: seconds }] };
  return [...filters, { name: `${field} range (30 days)`, query: range }];
}

/** `{ name, query }` for every filter of the list. */
export function filterList(contact, other) {
  const custom = contact.custom_attributes;
  const domain = contact.email.split('@')[1];
  const filters = [
    ...stringFilters('email', contact.email, other.email),
    ...stringFilters('name', contact.name, other.name ?? 'Nobody'),
    ...stringFilters('phone', contact.phone, other.phone ?? '+14155550000'),
    ...stringFilters('external_id', contact.external_id, other.external_id ?? 'cus_none'),
    ...stringFilters('email_domain', domain, other.email.split('@')[1]),
    ...stringFilters('id', contact.id, other.id),
    ...stringFilters('custom_attributes.plan', custom.plan, custom.plan === 'pro' ? 'enterprise' : 'pro'),
    ...numberFilters('custom_attributes.seats', custom.seats, 1),
    ...numberFilters('custom_attributes.score', custom.score, 0.5),
    ...numberFilters('owner_id', contact.owner_id, 1),
    ...dateFilters('custom_attributes.renewal_at', custom.renewal_at),
    ...['created_at', 'updated_at', 'signed_up_at', 'last_seen_at'].flatMap((field) => dateFilters(field, contact[field])),
    ...['custom_attributes.vip', 'unsubscribed_from_emails'].flatMap((field) => [
      { field, operator: '=', value: true },
      { field, operator: '=', value: false },
      { field, operator: '!=', value: true },
    ]),
    { field: 'tag_id', operator: '=', value: contact.tag_ids[0] },
    { field: 'tag_id', operator: '!=', value: contact.tag_ids[0] },
    { field: 'role', operator: '=', value: 'user' },
    { field: 'role', operator: '=', value: 'lead' },
    { field: 'role', operator: '!=', value: 'lead' },
    { field: 'phone', operator: '=', value: null },
    { field: 'custom_attributes.score', operator: '!=', value: null },
    {
      name: 'AND/OR: plan = pro AND (email ~ x OR phone ^ y) AND last_seen_at > t',
      query: {
        operator: 'AND',
        value: [
          { field: 'custom_attributes.plan', operator: '=', value: 'pro' },
          { operator: 'OR', value: [{ field: 'email', operator: '~', value: middle(contact.email.split('@')[0], 5) }, { field: 'phone', operator: '^', value: contact.phone.slice(0, 5) }] },
          { field: 'last_seen_at', operator: '>', value: contact.last_seen_at - 90 * DAY },
        ],
      },
    },
  ];
  return filters.map((f) => (f.query ? f : { name: `${f.field} ${f.operator} ${JSON.stringify(f.value)}`, query: f }));
}

/** Explains page 1 of every filter of the list; one result (and one printed line) per filter. */
export async function explainFilters(db, workspaceId, log) {
  const contact = await sampleContact(db, workspaceId);
  const { rows } = await db.query(`SELECT state FROM contacts WHERE workspace_id = $1 AND role = 'user' AND id <> $2 LIMIT 1`, [workspaceId, contact.id]);
  const results = [];
  for (const filter of filterList(contact, rows[0].state)) {
    const body = { query: filter.query, pagination: { per_page: 50 } };
    const { statements } = await statementsFor(db, workspaceId, { method: 'POST', path: '/contacts/search', body });
    const explained = await explainStatements(db, statements);
    const seqScans = [...new Set(Object.values(explained).flatMap((e) => e.seqScans))];
    const result = { filter: filter.name, query: filter.query, statements: explained, seqScans };
    result.line = filterLine(result);
    log(result.line);
    results.push(result);
  }
  return results;
}

function filterLine({ filter, statements, seqScans }) {
  const parts = Object.entries(statements).map(([which, e]) => `${which}: ${e.access || '(no scan)'} [${e.timedOut ? '> 5000 ms' : `${e.ms.toFixed(1)} ms, ${e.rowsRead} rows read`}]`);
  return `${filter}: ${seqScans.length ? `⚠ SEQ SCAN ON ${seqScans.join(', ')} ⚠ ` : ''}${parts.join('; ')}`;
}
