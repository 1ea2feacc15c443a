// The measured list/search scenarios: what each sends, and the query plans of the statements it makes the
// repository issue (several drawn requests each), checked against what the service answers.
import { randomInt } from 'node:crypto';
import { SEATS_MAX } from './search-data.mjs';
import { PER_PAGE, explainStatements, statementsFor } from './search-explain.mjs';
import { fromDist } from './search-seed.mjs';

const EXPLAIN_SAMPLES = 5;
const SEATS_SPAN = 50;
const DAY = 86_400;
// The repository's VISIBLE clause: the rows GET /contacts pages through.
const VISIBLE = `(state->>'archived') IS DISTINCT FROM 'true'`;

/**
 * The cursor of every page after the first, made with the service's own encoder from the rows that end each page
 * (not the last row: the service hands out no cursor to an empty page).
 */
export async function pageCursors(db, workspaceId) {
  const { encodeCursor } = await fromDist('contacts/src/search/search-plan.js');
  const { DEFAULT_SORT } = await fromDist('contacts/src/search/search-sort.js');
  const { rows } = await db.query(
    `SELECT id, created_at::float8 AS created_at, rn::int AS rn
       FROM (SELECT id, created_at, row_number() OVER (ORDER BY created_at, id) AS rn, count(*) OVER () AS total
               FROM contacts WHERE workspace_id = $1 AND ${VISIBLE}) numbered
      WHERE rn % $2 = 0 AND rn < total ORDER BY rn`,
    [workspaceId, PER_PAGE],
  );
  return rows.map((row) => {
    const page = row.rn / PER_PAGE + 1;
    return { page, cursor: encodeCursor(DEFAULT_SORT, { page, keys: [row.created_at], id: row.id }) };
  });
}

/** What the `email ~` scenario searches for: 4 to 6 characters of an email's local part, drawn at random. */
export function emailFragment(email) {
  const local = email.split('@')[0];
  const length = Math.min(local.length, 4 + randomInt(3));
  const start = randomInt(local.length - length + 1);
  return local.slice(start, start + length);
}

/** What each scenario sends; `indexed` says whether an index is meant to serve its filter. */
export function searchSpecs(samples, cursors) {
  const pick = (list) => list[randomInt(list.length)];
  const pages = cursors.length + 1;
  const deep = cursors.filter((c) => c.page > pages / 2);
  const search = (queryFor) => ({ method: 'POST', path: () => '/contacts/search', body: () => ({ query: queryFor(), pagination: { per_page: PER_PAGE } }) });
  const fragment = () => emailFragment(pick(samples.emails));
  return [
    { name: 'service GET /contacts page 1', indexed: true, method: 'GET', path: () => `/contacts?per_page=${PER_PAGE}` },
    { name: 'service GET /contacts deep pages (2nd half)', indexed: true, method: 'GET', path: () => `/contacts?per_page=${PER_PAGE}&starting_after=${pick(deep).cursor}` },
    { name: 'service search email =', indexed: true, ...search(() => ({ field: 'email', operator: '=', value: pick(samples.emails) })) },
    { name: 'service search external_id =', indexed: true, ...search(() => ({ field: 'external_id', operator: '=', value: pick(samples.externalIds) })) },
    { name: 'service search email ~ (4-6 chars)', indexed: true, ...search(() => ({ field: 'email', operator: '~', value: fragment() })) },
    { name: 'service search plan = pro', indexed: true, ...search(() => ({ field: 'custom_attributes.plan', operator: '=', value: 'pro' })) },
    {
      // Three fields and a nested OR, as a support tool asks: left to the planner, which reckons the patterns' matches
      // by their trigram statistics (tens of times too few at 1M contacts).
      name: 'service search plan = pro AND (email ~ OR phone ^) AND last_seen_at >',
      indexed: true,
      ...search(() => ({
        operator: 'AND',
        value: [
          { field: 'custom_attributes.plan', operator: '=', value: 'pro' },
          { operator: 'OR', value: [{ field: 'email', operator: '~', value: fragment() }, { field: 'phone', operator: '^', value: pick(samples.phones).slice(0, 5) }] },
          { field: 'last_seen_at', operator: '>', value: samples.seeded.now - 90 * DAY },
        ],
      })),
    },
    {
      name: `service search seats range (${SEATS_SPAN} of ${SEATS_MAX})`,
      // Meant to be served by an index once custom attributes have typed columns (contact_search_values).
      indexed: true,
      ...search(() => {
        const low = 1 + randomInt(SEATS_MAX - SEATS_SPAN);
        return {
          operator: 'AND',
          value: [
            { field: 'custom_attributes.seats', operator: '>=', value: low },
            { field: 'custom_attributes.seats', operator: '<', value: low + SEATS_SPAN },
          ],
        };
      }),
    },
  ];
}

const draw = (spec) => ({ method: spec.method, path: spec.path(), body: spec.body?.() });

export async function explainSpec(db, request, workspaceId, spec) {
  const samples = [];
  let text;
  let matched;
  for (let i = 0; i < EXPLAIN_SAMPLES; i++) {
    const drawn = await statementsFor(db, workspaceId, draw(spec));
    if (i === 0) {
      matched = await sameAsService(db, request, spec, drawn);
      text = {};
      for (const [which, statement] of Object.entries(drawn.statements)) {
        const { rows } = await db.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, values: statement.values });
        text[which] = rows.map((row) => row['QUERY PLAN']).join('\n');
      }
    }
    samples.push({ request: drawn.body?.query ?? drawn.path, ...(await explainStatements(db, drawn.statements)) });
  }
  const names = [...new Set(samples.flatMap((s) => Object.keys(s).filter((key) => key !== 'request')))];
  const seqScans = [...new Set(samples.flatMap((s) => names.flatMap((name) => s[name]?.seqScans ?? [])))];
  const plan = {
    scenario: spec.name,
    indexed: spec.indexed,
    seqScans,
    badPlan: spec.indexed && seqScans.length > 0,
    matched,
    statements: Object.fromEntries(names.map((name) => [name, summarise(samples.map((s) => s[name]).filter(Boolean))])),
    samples,
    firstSamplePlan: text,
  };
  plan.line = planLine(plan);
  return plan;
}

/**
 * The bench's reconstruction must give what the service answers: the same page of ids (or the bench measures
 * other statements than the service runs). The totals are compared where a `count` statement exists.
 */
async function sameAsService(db, request, spec, drawn) {
  const { page, count } = drawn.statements;
  const [answer, rows, counted] = await Promise.all([
    // A request over the service's search statement timeout answers 503: a finding at this size, not a bench failure.
    request(spec.method, drawn.path, drawn.body).catch((error) => {
      if (/ answered 503/.test(error.message)) return { failed: error.message.slice(0, 200) };
      throw error;
    }),
    db.query(page),
    count && db.query(count),
  ]);
  if (answer.failed) return { serviceFailed: answer.failed };
  const ids = rows.rows.slice(0, drawn.perPage).map((row) => row.state.id);
  const served = answer.json.data.map((contact) => contact.id);
  if (JSON.stringify(served) !== JSON.stringify(ids)) {
    throw new Error(`${spec.name}: the reconstructed page statement does not match the service's answer (${ids.length} vs ${served.length} ids)`);
  }
  const total = counted ? Number(counted.rows[0]?.total) : null;
  return { ids: ids.length, totalCount: answer.json.total_count, countStatement: total, totalsAgree: total === null ? null : total === answer.json.total_count };
}

function summarise(samples) {
  const paths = new Map();
  for (const s of samples) paths.set(s.access, (paths.get(s.access) ?? 0) + 1);
  const ms = samples.map((s) => s.ms ?? Number.POSITIVE_INFINITY);
  return { paths: Object.fromEntries(paths), msMin: Math.min(...ms), msMax: Math.max(...ms), samples: samples.length };
}

/** One line per scenario, for stdout and the Markdown report. */
function planLine(plan) {
  const part = (label, s) => {
    const paths = Object.entries(s.paths).map(([path, n]) => (n === s.samples ? path : `${path} (${n}/${s.samples})`));
    const time = (value) => (Number.isFinite(value) ? value.toFixed(1) : '> 5000');
    return `${label}: ${paths.join(' | ')} [${time(s.msMin)}-${time(s.msMax)} ms]`;
  };
  const flag = plan.badPlan ? `⚠ SEQ SCAN ON ${plan.seqScans.join(', ')} ⚠ ` : plan.indexed ? '' : '(no index serves this filter) ';
  if (plan.matched.serviceFailed) return `${plan.scenario}: ${flag}${Object.entries(plan.statements).map(([name, s]) => part(name, s)).join('; ')}; ⚠ the service failed the first request: ${plan.matched.serviceFailed}`;
  const totals = plan.matched.totalsAgree === false ? `; total_count ${plan.matched.totalCount} but the count statement gives ${plan.matched.countStatement}` : '';
  return `${plan.scenario}: ${flag}${Object.entries(plan.statements).map(([name, s]) => part(name, s)).join('; ')}${totals}`;
}
