import pg from 'pg';
const { planSearch } = await import('../dist/libs/contacts/src/search/search-plan.js');
const { pageStatements } = await import('../dist/libs/contacts/src/search/contact-list.repository.js');
const db = new pg.Client({ connectionString: process.env.DATABASE_URL }); await db.connect(); await db.query(`SET work_mem = '16MB'`);
const ws = process.argv[2]; const [frag, phone] = process.argv.slice(3);
const query = { operator: 'AND', value: [{ field: 'custom_attributes.plan', operator: '=', value: 'pro' }, { operator: 'OR', value: [{ field: 'email', operator: '~', value: frag }, { field: 'phone', operator: '^', value: phone }] }, { field: 'last_seen_at', operator: '>', value: 1788642412 }] };
const plan = planSearch({ workspaceId: ws, query, perPage: 50, context: { attributes: new Map([['plan', 'string']]), version: '2.11' } });
const st = pageStatements(plan);
for (const k of ['page', 'count']) { const s = st[k];
  for (let i = 0; i < 3; i++) await db.query(s);
  const t0 = process.hrtime.bigint(); for (let i = 0; i < 5; i++) await db.query(s); const ms = Number(process.hrtime.bigint() - t0) / 5e6;
  const r = await db.query({ text: `EXPLAIN (ANALYZE, COSTS OFF) ${s.text}`, values: s.values });
  console.log(k, ms.toFixed(1), 'ms', r.rows.map((x) => x['QUERY PLAN']).filter((l) => /Scan on|Scan using/.test(l)).map((l) => l.trim().replace(/\(actual.*rows=(\d+).*/, 'rows=$1')).join(' | ')); }
await db.end();
