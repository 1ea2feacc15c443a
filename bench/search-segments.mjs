// Segments on each search workspace: a segment count (GET /segments?include_count=true, the search's bounded count of
// each segment), a search on segment_id (the segment's query inlined) and a contact's segments (each segment probed
// for one contact). The segments are defined through the service's own route, once per workspace (a kept database
// keeps them); their count statements are explained as the service builds them.
import { randomInt } from 'node:crypto';
import { explainStatements } from './search-explain.mjs';
import { fromDist } from './search-seed.mjs';

const SEGMENTS = [
  { name: 'bench: pro plan', query: { field: 'custom_attributes.plan', operator: '=', value: 'pro' } },
  {
    name: 'bench: 10 to 59 seats',
    query: { operator: 'AND', value: [{ field: 'custom_attributes.seats', operator: '>=', value: 10 }, { field: 'custom_attributes.seats', operator: '<', value: 60 }] },
  },
];
const SAMPLE_CONTACTS = 200;

/** The bench's segments in the workspace: defined now, or found from an earlier run on a kept database. */
async function ensureSegments(request) {
  const existing = (await request('GET', '/segment_definitions')).json.data;
  const segments = [];
  for (const wanted of SEGMENTS) {
    segments.push(existing.find((segment) => segment.name === wanted.name) ?? (await request('POST', '/segment_definitions', wanted)).json);
  }
  return segments;
}

/** The count statements GET /segments?include_count=true runs, built by the service's planner from the build. */
async function countStatements(db, workspaceId, segments) {
  const { planSearch } = await fromDist('contacts/src/search/search-plan.js');
  const { pageStatements } = await fromDist('contacts/src/search/contact-list.repository.js');
  const { rows } = await db.query(`SELECT name, data_type FROM data_attributes WHERE workspace_id = $1 AND model = 'contact' AND NOT archived`, [workspaceId]);
  const attributes = new Map(rows.map((row) => [row.name, row.data_type]));
  const saved = new Map(segments.map((s) => [s.id, { id: s.id, query: s.query, personType: s.person_type, version: Number(s.intercom_version.split('.')[1]) }]));
  return Object.fromEntries(
    segments.map((segment) => {
      const plan = planSearch({ workspaceId, query: { field: 'segment_id', operator: '=', value: segment.id }, perPage: 1, context: { attributes, version: 11, segments: saved } });
      return [segment.name, pageStatements(plan).count];
    }),
  );
}

/**
 * Checks the counts against the search (the same bounded count, so they must agree), explains the count statements,
 * then measures the three segment scenarios through `measure`.
 */
export async function benchSegments({ db, request, workspaceId, size, label, service, headers, measure, scenario, randomRequest }) {
  const segments = await ensureSegments(request);
  const counted = (await request('GET', '/segments?include_count=true')).json.segments;
  const checks = [];
  const statements = await countStatements(db, workspaceId, segments);
  for (const segment of segments) {
    const count = counted.find((s) => s.id === segment.id)?.count;
    const searched = (await request('POST', '/contacts/search', { query: { field: 'segment_id', operator: '=', value: segment.id }, pagination: { per_page: 1 } })).json.total_count;
    // The true number of members, by the count statement without its bound: how far an estimate beyond it is off.
    const unbounded = statements[segment.name].text.replace(/ LIMIT \d+\) matches$/, ') matches');
    const members = Number((await db.query({ text: unbounded, values: statements[segment.name].values })).rows[0].total);
    checks.push({ segment: segment.name, count, searched, members, agree: count === searched });
    const accuracy = count > 1000 ? ` (an estimate: ${(count / members).toFixed(2)} of the ${members} members)` : '';
    console.log(`bench: segment ${segment.name} @${label}: count ${count}${accuracy}, search total_count ${searched}${count === searched ? '' : ' ⚠ DISAGREE'}`);
  }
  const explained = await explainStatements(db, statements);
  for (const [name, plan] of Object.entries(explained)) console.log(`bench: plan @${label} segment count ${name}: ${plan.access} [${plan.ms?.toFixed(1) ?? '> 5000'} ms]${plan.seqScans.length ? ` ⚠ SEQ SCAN ON ${plan.seqScans.join(', ')}` : ''}`);
  const { rows } = await db.query('SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY random() LIMIT $2', [workspaceId, SAMPLE_CONTACTS]);
  const contactIds = rows.map((row) => row.id);
  const pick = (list) => list[randomInt(list.length)];
  const specs = [
    { name: 'service GET /segments?include_count=true', method: 'GET', path: () => '/segments?include_count=true' },
    { name: 'service search segment_id =', method: 'POST', path: () => '/contacts/search', body: () => ({ query: { field: 'segment_id', operator: '=', value: pick(segments).id }, pagination: { per_page: 50 } }) },
    { name: 'service GET /contacts/{id}/segments', method: 'GET', path: () => `/contacts/${pick(contactIds)}/segments` },
  ];
  for (const spec of specs) {
    const options = { requests: [randomRequest(spec.method, spec.path, spec.body)], headers };
    const measured = await measure(scenario(`${spec.name} @${label}`, options, { target: service, compareWith: 'baseline GET' }));
    Object.assign(measured, { family: spec.name, searchSize: size });
  }
  return { checks, plans: explained };
}
