// The list and search scenarios at every size of BENCH_SEARCH_SIZES: one workspace per size (seeded through the event
// store, see search-seed.mjs, or reused from the kept database, see search-keep.mjs), the same scenarios, query plans
// and export passes at each, so that report.mjs can set the largest size against the smallest.
import pg from 'pg';
import { PER_PAGE } from './search-explain.mjs';
import { benchExport } from './search-export.mjs';
import { benchSegments } from './search-segments.mjs';
import { explainFilters } from './search-filters.mjs';
import { openKeptDatabase } from './search-keep.mjs';
import { explainSpec, pageCursors, searchSpecs } from './search-specs.mjs';
import { searchSamples, seedSearchWorkspace } from './search-seed.mjs';
import { startService } from './processes.mjs';
import { randomRequest, scenario } from './scenarios.mjs';
import { apiClient } from './seed.mjs';

export const sizeLabel = (size) => (size >= 1_000_000 ? `${size / 1_000_000}M` : size >= 1000 ? `${size / 1000}k` : String(size));

/**
 * Seeds (or reuses) every size's workspace first, so that all sizes are measured on the same database, then per
 * size: checks the bench's cursors and statements against the service, explains the scenarios and the filter list,
 * measures each scenario through `measure` (against the run's baseline GET) and runs the export passes.
 */
export async function benchSearch(run, { databaseUrl, service, sizes, keep, measure, exportMax }) {
  for (const size of sizes) if (size < 2 * PER_PAGE) throw new Error(`every BENCH_SEARCH_SIZES size must be at least ${2 * PER_PAGE}, got ${size}`);
  let target = { url: databaseUrl, service, kept: null };
  if (keep) {
    const kept = await openKeptDatabase();
    const logPath = new URL('./results/service-search.log', import.meta.url).pathname;
    // The kept database's own service process: the baseline GET it is compared with does not depend on the process.
    target = { url: kept.url, service: await startService({ databaseUrl: kept.url, token: kept.bootstrapToken, logPath }), kept };
  }
  run.search = { database: keep ? { kept: true, name: target.kept.name, recreated: target.kept.recreated } : { kept: false }, sizes: [] };
  try {
    const workspaces = [];
    for (const size of sizes) workspaces.push(await Promise.race([workspaceOfSize(target, size), target.service.crashed]));
    for (const workspace of workspaces) run.search.sizes.push(await benchSize(workspace, target, { measure, exportMax }));
  } finally {
    if (keep) await target.service.stop();
  }
}

async function workspaceOfSize({ url, service, kept }, size) {
  const name = `bench-search-${size}`;
  let seeded = kept?.workspace(size);
  const reused = Boolean(seeded);
  if (reused) {
    const counted = await countVisible(url, seeded.workspaceId);
    if (counted !== size) throw new Error(`kept database ${kept.name}: workspace ${name} lists ${counted} contacts, not ${size}; drop the database to re-seed it`);
    console.log(`bench: ${name}: reusing the kept workspace (seeded ${seeded.seededAt} in ${seeded.seconds.toFixed(1)} s)`);
  } else {
    console.log(`bench: ${name}: seeding ${size} contacts through the event store (ContactRepository.save)`);
    seeded = { ...(await seedSearchWorkspace({ databaseUrl: url, serviceUrl: service.url, count: size, name })), seededAt: new Date().toISOString() };
    console.log(`bench: seeded ${size} contacts in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.perSecond)}/s); VACUUM ANALYZE ${seeded.analyzeSeconds.toFixed(1)} s`);
    await kept?.remember(size, seeded);
  }
  return { size, reused, seeded, ...searchSamples(size, seeded.now) };
}

async function benchSize(workspace, { url, service }, { measure, exportMax }) {
  const { size, seeded } = workspace;
  const label = sizeLabel(size);
  const request = apiClient(service.url, seeded.token);
  const result = {
    size,
    label,
    reused: workspace.reused,
    seed: { contacts: size, seconds: seeded.seconds, perSecond: seeded.perSecond, vacuumAnalyzeSeconds: seeded.analyzeSeconds, workspaceId: seeded.workspaceId, seededAt: seeded.seededAt },
    plans: [],
  };
  const db = new pg.Client({ connectionString: url, application_name: 'bench-explain' });
  await db.connect();
  let specs;
  try {
    const cursors = await pageCursors(db, seeded.workspaceId);
    const first = await request('GET', `/contacts?per_page=${PER_PAGE}`);
    if (first.json.pages?.next?.starting_after !== cursors[0]?.cursor || first.json.total_count !== size) {
      throw new Error(`${label}: GET /contacts page 1 answered total_count ${first.json.total_count}, next ${first.json.pages?.next?.starting_after}; the bench expected ${size}, ${cursors[0]?.cursor}`);
    }
    specs = searchSpecs(workspace, cursors);
    for (const spec of specs) {
      const plan = await explainSpec(db, request, seeded.workspaceId, spec);
      result.plans.push(plan);
      console.log(`bench: plan @${label} ${plan.line}`);
    }
    console.log(`bench: EXPLAIN of every filter of the search DSL @${label}:`);
    result.filters = await explainFilters(db, seeded.workspaceId, (line) => console.log(`bench:   ${line}`));
    const headers = { authorization: `Bearer ${seeded.token}`, 'content-type': 'application/json' };
    for (const spec of specs) {
      const options = { requests: [randomRequest(spec.method, spec.path, spec.body)], headers };
      const measured = await measure(scenario(`${spec.name} @${label}`, options, { target: service, compareWith: 'baseline GET' }));
      Object.assign(measured, { family: spec.name, searchSize: size });
    }
    // A segment count (and a segment_id search, and a contact's segments) on the same workspace.
    result.segments = await benchSegments({ db, request, workspaceId: seeded.workspaceId, size, label, service, headers, measure, scenario, randomRequest });
  } finally {
    await db.end();
  }
  result.exports = await benchExport(request, { contacts: size, max: exportMax ?? size });
  for (const e of result.exports) console.log(`bench: ${e.name} @${label}: ${e.contacts} contacts in ${e.pages} pages, ${e.seconds.toFixed(1)} s (${Math.round(e.perSecond)}/s)${e.problems.length ? `; ${e.problems.join('; ')}` : ''}`);
  return result;
}

async function countVisible(url, workspaceId) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT coalesce(sum(visible), 0)::int AS n FROM contact_counts WHERE workspace_id = $1', [workspaceId]);
    return rows[0].n;
  } finally {
    await client.end();
  }
}
