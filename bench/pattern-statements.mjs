// node bench/pattern-statements.mjs (after a build and a BENCH_SEARCH_KEEP=1 bench run; DATABASE_URL is the server of
// the kept database): each statement the repository can issue for `email ~` of a drawn fragment (4 to 6 characters
// of a seeded email, as the bench draws them), timed warm in the kept workspace of PROBE_SIZE contacts (1000000),
// with PostgreSQL's JIT on and off. PROBE_FRAGMENTS (40) fragments; a line per fragment, then the sums.
// Which of them one request runs is the repository's choice: the walk, then the ordered count when the walk filled its
// page (a common fragment), or the page and the count from the trigram index (a rare one).
import pg from 'pg';
import { keptDatabaseName } from './search-keep.mjs';
import { PER_PAGE, statementsFor } from './search-explain.mjs';
import { emailFragment } from './search-specs.mjs';

if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to the server of the kept search database');
const size = Number(process.env.PROBE_SIZE ?? 1_000_000);
const fragments = Number(process.env.PROBE_FRAGMENTS ?? 40);
const url = new URL(process.env.DATABASE_URL);
url.pathname = `/${keptDatabaseName()}`;
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
const [meta] = (await db.query(`SELECT value FROM bench_search_meta WHERE key = $1`, [`workspace:${size}`])).rows;
if (!meta) throw new Error(`${keptDatabaseName()} has no workspace of ${size} contacts: run the bench with BENCH_SEARCH_KEEP=1 first`);
const workspaceId = meta.value.workspaceId;

const { rows } = await db.query(`SELECT text_value FROM contact_search_values WHERE workspace_id = $1 AND field = 'email' ORDER BY random() LIMIT $2`, [workspaceId, fragments]);
const milliseconds = async (statement) => {
  const started = process.hrtime.bigint();
  await db.query(statement);
  return Number(process.hrtime.bigint() - started) / 1e6;
};

const sums = { on: {}, off: {} };
for (const { text_value: email } of rows) {
  const fragment = emailFragment(email);
  const body = { query: { field: 'email', operator: '~', value: fragment }, pagination: { per_page: PER_PAGE } };
  const { statements } = await statementsFor(db, workspaceId, { method: 'POST', path: '/contacts/search', body });
  const line = [JSON.stringify(fragment)];
  for (const [name, statement] of Object.entries(statements)) {
    for (const jit of ['on', 'off']) {
      await db.query(`SET jit = ${jit}`);
      await milliseconds(statement);
      const ms = await milliseconds(statement);
      sums[jit][name] = (sums[jit][name] ?? 0) + ms;
      line.push(`${name} ${jit} ${ms.toFixed(1)} ms`);
    }
  }
  console.log(line.join(', '));
}
for (const jit of ['on', 'off']) {
  console.log(`jit ${jit}, summed ms: ${Object.entries(sums[jit]).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')}`);
}
await db.end();
