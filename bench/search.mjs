// The list and search scenarios: GET /contacts and POST /contacts/search on a workspace of BENCH_SEARCH_CONTACTS
// contacts (seeded through the event store, see search-seed.mjs), and the query plans of the statements they issue.
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { randomRequest, scenario } from './scenarios.mjs';
import { apiClient } from './seed.mjs';
import { SEATS_MAX, fromDist, seedSearchWorkspace } from './search-seed.mjs';

const PER_PAGE = 50;
const EXPLAIN_SAMPLES = 5;
const SEATS_SPAN = 50;
// The repository's VISIBLE clause: the rows GET /contacts pages through.
const VISIBLE = `(state->>'archived') IS DISTINCT FROM 'true'`;
const WORKSPACE_ONLY = /^\(*(c\.)?workspace_id = [^()]*\)*$/;

/**
 * Seeds, checks that the bench's cursors and reconstructed statements match the service's, explains every scenario's
 * statements (run.plans), then measures each scenario through `measure` against the same run's baseline GET.
 */
export async function benchSearch(run, { databaseUrl, service, count, measure }) {
  if (count < 2 * PER_PAGE) throw new Error(`BENCH_SEARCH_CONTACTS must be 0 (off) or at least ${2 * PER_PAGE}, got ${count}`);
  console.log(`bench: seeding ${count} contacts into a search workspace through the event store (ContactRepository.save)`);
  const seeded = await Promise.race([seedSearchWorkspace({ databaseUrl, serviceUrl: service.url, count }), service.crashed]);
  run.searchSeed = {
    contacts: seeded.contacts,
    seconds: seeded.seconds,
    perSecond: seeded.perSecond,
    vacuumAnalyzeSeconds: seeded.analyzeSeconds,
    workspaceId: seeded.workspaceId,
  };
  console.log(`bench: seeded ${seeded.contacts} contacts in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.perSecond)}/s); VACUUM ANALYZE ${seeded.analyzeSeconds.toFixed(1)} s`);

  const request = apiClient(service.url, seeded.token);
  const db = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-explain' });
  await db.connect();
  let specs;
  try {
    const cursors = await pageCursors(db, seeded.workspaceId);
    const first = await request('GET', `/contacts?per_page=${PER_PAGE}`);
    if (first.json.pages?.next?.starting_after !== cursors[0]?.cursor || first.json.total_count !== seeded.contacts) {
      throw new Error(`GET /contacts page 1 answered total_count ${first.json.total_count}, next ${first.json.pages?.next?.starting_after}; the bench expected ${seeded.contacts}, ${cursors[0]?.cursor}`);
    }
    specs = searchSpecs(seeded, cursors);
    run.plans = [];
    for (const spec of specs) {
      const plan = await explainSpec(db, request, seeded.workspaceId, spec);
      plan.line = planLine(plan);
      run.plans.push(plan);
      console.log(`bench: plan ${plan.line}`);
    }
  } finally {
    await db.end();
  }

  const headers = { authorization: `Bearer ${seeded.token}`, 'content-type': 'application/json' };
  for (const spec of specs) {
    const options = { requests: [randomRequest(spec.method, spec.path, spec.body)], headers };
    await measure(scenario(spec.name, options, { target: service, compareWith: 'baseline GET' }));
  }
}

/**
 * The cursor of every page after the first, made with the service's own encoder from the rows that end each page
 * (not the last row: the service hands out no cursor to an empty page).
 */
async function pageCursors(db, workspaceId) {
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

/** What each scenario sends; `indexed` says whether an index is meant to serve its filter. */
function searchSpecs(seeded, cursors) {
  const pick = (list) => list[randomInt(list.length)];
  const pages = cursors.length + 1;
  const deep = cursors.filter((c) => c.page > pages / 2);
  const search = (queryFor) => ({ method: 'POST', path: () => '/contacts/search', body: () => ({ query: queryFor(), pagination: { per_page: PER_PAGE } }) });
  const fragment = () => {
    const local = pick(seeded.emails).split('@')[0];
    const length = Math.min(local.length, 4 + randomInt(3));
    const start = randomInt(local.length - length + 1);
    return local.slice(start, start + length);
  };
  return [
    { name: 'service GET /contacts page 1', indexed: true, method: 'GET', path: () => `/contacts?per_page=${PER_PAGE}` },
    {
      name: `service GET /contacts pages ${deep[0].page}-${pages}`,
      indexed: true,
      method: 'GET',
      path: () => `/contacts?per_page=${PER_PAGE}&starting_after=${pick(deep).cursor}`,
    },
    { name: 'service search email =', indexed: true, ...search(() => ({ field: 'email', operator: '=', value: pick(seeded.emails) })) },
    { name: 'service search external_id =', indexed: true, ...search(() => ({ field: 'external_id', operator: '=', value: pick(seeded.externalIds) })) },
    { name: 'service search email ~ (4-6 chars)', indexed: true, ...search(() => ({ field: 'email', operator: '~', value: fragment() })) },
    { name: 'service search plan = pro', indexed: true, ...search(() => ({ field: 'custom_attributes.plan', operator: '=', value: 'pro' })) },
    {
      name: `service search seats range (${SEATS_SPAN} of ${SEATS_MAX})`,
      // A range on a custom attribute compiles to a typed CASE expression that no index covers.
      indexed: false,
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

/**
 * The statements the repository issues for a drawn request, made by the service's own planner and statement builder
 * as the list and search handlers call them (no Intercom-Version header: 2.11, so no sort).
 */
async function statementsFor(db, workspaceId, spec) {
  const { planSearch } = await fromDist('contacts/src/search/search-plan.js');
  const { mentionsCustomAttributes } = await fromDist('contacts/src/search/search-fields.js');
  const { pageStatements } = await fromDist('contacts/src/search/contact-list.repository.js');
  const path = spec.path();
  const body = spec.body?.();
  let pageRequest;
  if (spec.method === 'GET') {
    const params = new URL(path, 'http://bench').searchParams;
    pageRequest = { perPage: Number(params.get('per_page') ?? PER_PAGE), startingAfter: params.get('starting_after') };
  } else {
    pageRequest = { query: body.query, perPage: body.pagination?.per_page ?? PER_PAGE, startingAfter: body.pagination?.starting_after ?? null };
  }
  let attributes = new Map();
  if (mentionsCustomAttributes(body?.query)) {
    const { rows } = await db.query(`SELECT name, data_type FROM data_attributes WHERE workspace_id = $1 AND model = 'contact' AND NOT archived`, [workspaceId]);
    attributes = new Map(rows.map((row) => [row.name, row.data_type]));
  }
  const plan = planSearch({ workspaceId, ...pageRequest, context: { attributes, version: 11 } });
  return { path, body, perPage: pageRequest.perPage, ...pageStatements(plan) };
}

async function explainSpec(db, request, workspaceId, spec) {
  const samples = [];
  let text;
  let matched;
  for (let i = 0; i < EXPLAIN_SAMPLES; i++) {
    const drawn = await statementsFor(db, workspaceId, spec);
    if (i === 0) {
      matched = await sameAsService(db, request, spec, drawn);
      text = {};
      for (const which of ['page', 'count']) {
        const { rows } = await db.query({ text: `EXPLAIN (ANALYZE, BUFFERS) ${drawn[which].text}`, values: drawn[which].values });
        text[which] = rows.map((row) => row['QUERY PLAN']).join('\n');
      }
    }
    const sample = { request: drawn.body?.query ?? drawn.path };
    for (const which of ['page', 'count']) {
      const { rows } = await db.query({ text: `EXPLAIN (ANALYZE, FORMAT JSON) ${drawn[which].text}`, values: drawn[which].values });
      const root = rows[0]['QUERY PLAN'][0];
      sample[which] = { access: accessPath(root.Plan), ms: root['Execution Time'], seqScan: hasSeqScan(root.Plan) };
    }
    samples.push(sample);
  }
  const seqScan = samples.some((s) => s.page.seqScan || s.count.seqScan);
  return {
    scenario: spec.name,
    indexed: spec.indexed,
    seqScan,
    badPlan: spec.indexed && seqScan,
    matched,
    page: summarise(samples.map((s) => s.page)),
    count: summarise(samples.map((s) => s.count)),
    samples,
    firstSamplePlan: text,
  };
}

/** The bench's reconstruction must give what the service answers: the same total and the same page of ids. Returns the total. */
async function sameAsService(db, request, spec, drawn) {
  const [answer, page, count] = await Promise.all([
    request(spec.method, drawn.path, drawn.body),
    db.query(drawn.page),
    db.query(drawn.count),
  ]);
  const ids = page.rows.slice(0, drawn.perPage).map((row) => row.state.id);
  const served = answer.json.data.map((contact) => contact.id);
  if (answer.json.total_count !== count.rows[0].total || JSON.stringify(served) !== JSON.stringify(ids)) {
    throw new Error(`${spec.name}: the reconstructed statements do not match the service's answer (total ${count.rows[0].total} vs ${answer.json.total_count}, ${ids.length} vs ${served.length} ids)`);
  }
  return answer.json.total_count;
}

/** The plan's access path as a short text: scans with their index, sorts, limits, aggregates. */
function accessPath(node) {
  const parts = [];
  const visit = (n) => {
    const type = n['Node Type'];
    // An index condition on the workspace alone reads every row of the workspace through that index.
    if (n['Index Name']) parts.push(`${type} ${n['Index Name']}${WORKSPACE_ONLY.test(n['Index Cond'] ?? '') ? ' (workspace_id only)' : ''}`);
    else if (type === 'Seq Scan') parts.push(`SEQ SCAN ${n['Relation Name']}`);
    else if (type === 'Bitmap Heap Scan' || type === 'Sort' || type === 'Incremental Sort' || type === 'BitmapAnd' || type === 'BitmapOr') {
      parts.push(type === 'Sort' ? `Sort (${n['Sort Method'] ?? 'planned'})` : type);
    }
    for (const child of n.Plans ?? []) visit(child);
  };
  visit(node);
  return parts.join(' < ');
}

function hasSeqScan(node) {
  return (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'contacts') || (node.Plans ?? []).some(hasSeqScan);
}

function summarise(samples) {
  const paths = new Map();
  for (const s of samples) paths.set(s.access, (paths.get(s.access) ?? 0) + 1);
  const ms = samples.map((s) => s.ms);
  return { paths: Object.fromEntries(paths), msMin: Math.min(...ms), msMax: Math.max(...ms) };
}

/** One line per scenario, for stdout and the Markdown report. */
function planLine(plan) {
  const part = (label, s) => {
    const paths = Object.entries(s.paths).map(([path, n]) => (n === EXPLAIN_SAMPLES ? path : `${path} (${n}/${EXPLAIN_SAMPLES})`));
    return `${label}: ${paths.join(' | ')} [${s.msMin.toFixed(1)}-${s.msMax.toFixed(1)} ms]`;
  };
  const flag = plan.badPlan ? '⚠ SEQ SCAN ON AN INDEXED FILTER ⚠ ' : plan.indexed ? '' : '(no index serves this filter) ';
  return `${plan.scenario}: ${flag}${part('page', plan.page)}; ${part('count', plan.count)}; first request matched ${plan.matched}`;
}
