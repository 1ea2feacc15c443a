import pg from 'pg';
const dist = (f) => import(`/work/main/dist/libs/${f}`);
const { planSearch } = await dist('contacts/src/search/search-plan.js');
const { pageStatements } = await dist('contacts/src/search/contact-list.repository.js');
const ws = process.argv[2] ?? 'ws-big';
const only = process.argv[3];
const attributes = new Map([['plan', 'string'], ['seats', 'integer'], ['score', 'float'], ['vip', 'boolean'], ['renewal_at', 'date']]);
const f = (field, operator, value) => ({ field, operator, value });
const Q = {
  'email =': f('email', '=', 'emma.garcia12345@gmail.com'),
  'email ~': f('email', '~', 'lee12'),
  'email ^': f('email', '^', 'mia.king'),
  'email $': f('email', '$', 'initech.de'),
  'email !~': f('email', '!~', 'gmail'),
  'name ~': f('name', '~', 'ava lo'),
  'name =': f('name', '=', 'Ava Lopez'),
  'name IN': f('name', 'IN', ['Ava Lopez', 'Noah King']),
  'name !=': f('name', '!=', 'Ava Lopez'),
  'phone $': f('phone', '$', '0123'),
  'external_id =': f('external_id', '=', 'cus_777777'),
  'external_id ^': f('external_id', '^', 'cus_7777'),
  'id ^': f('id', '^', 'abc1'),
  'email_domain =': f('email_domain', '=', 'acme7.io'),
  'role = lead': f('role', '=', 'lead'),
  'role = user': f('role', '=', 'user'),
  'plan = pro': f('custom_attributes.plan', '=', 'pro'),
  'plan != free': f('custom_attributes.plan', '!=', 'free'),
  'plan IN': f('custom_attributes.plan', 'IN', ['pro', 'enterprise']),
  'plan ~ ter': f('custom_attributes.plan', '~', 'ter'),
  'seats range': { operator: 'AND', value: [f('custom_attributes.seats', '>=', 400), f('custom_attributes.seats', '<', 450)] },
  'seats >': f('custom_attributes.seats', '>', 990),
  'score <': f('custom_attributes.score', '<', 1.5),
  'vip = true': f('custom_attributes.vip', '=', true),
  'renewal_at =': f('custom_attributes.renewal_at', '=', 1770000000),
  'renewal_at >': f('custom_attributes.renewal_at', '>', 1790000000),
  'updated_at >': f('updated_at', '>', 1630000000),
  'signed_up_at <': f('signed_up_at', '<', 1700500000),
  'last_seen_at =': f('last_seen_at', '=', 1731000000),
  'created_at >': f('created_at', '>', 1620000000),
  'owner_id =': f('owner_id', '=', 1003),
  'unsubscribed = true': f('unsubscribed_from_emails', '=', true),
  'phone = null': f('phone', '=', null),
  'tag_id =': f('tag_id', '=', '5'),
  'AND/OR': { operator: 'AND', value: [{ operator: 'OR', value: [f('custom_attributes.plan', '=', 'pro'), f('custom_attributes.vip', '=', true)] }, f('role', '=', 'user')] },
  'OR 2 fields': { operator: 'OR', value: [f('email', '=', 'emma.garcia12345@gmail.com'), f('external_id', '=', 'cus_777777')] },
};
const db = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/i9scale' });
await db.connect();
await db.query("SET statement_timeout = '20s'");
const path = (n, out = []) => {
  const t = n['Node Type'];
  if (t === 'Seq Scan') out.push(`SEQ ${n['Relation Name']}`);
  else if (n['Index Name']) out.push(`${t.replace(' Scan', '')} ${n['Index Name'].replace('contact_search_values_', 'csv_').replace('contacts_', 'c_')}`);
  else if (/Join|Sort|Hash$|Bitmap And|BitmapOr/.test(t)) out.push(t);
  for (const c of n.Plans ?? []) path(c, out);
  return out;
};
for (const [name, query] of Object.entries(Q)) {
  if (only && !name.includes(only)) continue;
  const plan = planSearch({ workspaceId: ws, query, perPage: 50, startingAfter: null, context: { attributes, version: 11 } });
  const st = pageStatements(plan);
  const parts = [];
  for (const [label, s] of [['page', st.page], ['count', st.count]]) {
    if (!s) continue;
    try {
      const r = await db.query({ text: `EXPLAIN (ANALYZE, FORMAT JSON) ${s.text}`, values: s.values });
      const p = r.rows[0]['QUERY PLAN'][0];
      const rows = label === 'count' ? (await db.query(s)).rows[0].total : '';
      parts.push(`${label} ${p['Execution Time'].toFixed(1)}ms ${rows} [${path(p.Plan).join(' < ')}]`);
    } catch (e) { parts.push(`${label} ERROR ${e.message}`); }
  }
  console.log(`${name.padEnd(20)} ${parts.join(' | ')}`);
}
await db.end();
