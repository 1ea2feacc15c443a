// The list/search part of the report: each scenario at every size, the largest size against the smallest, the
// query plans of the scenarios and of every filter, and the export passes. Missed targets are listed (⚠) like the
// other ratio checks' "no", without failing the run; wrong answers (an export that repeats or skips contacts) fail it.
const TARGETS = { minSizeRatio: 0.5, maxP99Ms: 100, exportPerSecond: 20_000 };

const num = (value, digits = 0) => (value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));
const ms = (value) => (value === 0 ? '<1' : num(value));
const yesNo = (met) => (met === null ? '' : met ? 'yes' : '**no**');

/** run.searchTargets: per scenario the figures at each size, the ratio of the largest to the smallest and the targets. */
export function compareSizes(run) {
  const sizes = (run.search?.sizes ?? []).map((s) => s.size);
  if (!sizes.length) return;
  const [smallest, largest] = [sizes[0], sizes[sizes.length - 1]];
  const label = (size) => run.search.sizes.find((s) => s.size === size).label;
  const families = [...new Set(run.scenarios.filter((r) => r.family).map((r) => r.family))];
  const missed = [];
  const problems = [];
  const rows = families.map((family) => {
    const at = (size) => run.scenarios.find((r) => r.family === family && r.searchSize === size);
    const bySize = Object.fromEntries(sizes.map((size) => [size, at(size) && { requestsPerSecond: at(size).requestsPerSecond, latencyMs: at(size).latencyMs }]));
    const [small, large] = [at(smallest), at(largest)];
    const ratio = sizes.length > 1 && small?.requestsPerSecond && large ? large.requestsPerSecond / small.requestsPerSecond : null;
    const ratioMet = ratio === null ? null : ratio >= TARGETS.minSizeRatio;
    const p99Met = large ? large.latencyMs.p99 < TARGETS.maxP99Ms : null;
    if (ratioMet === false) missed.push(`${family}: ${label(largest)}/${label(smallest)} throughput ${num(ratio, 2)} < ${TARGETS.minSizeRatio}`);
    if (p99Met === false) missed.push(`${family}: p99 ${ms(large.latencyMs.p99)} ms at ${label(largest)} (target < ${TARGETS.maxP99Ms} ms)`);
    return { family, bySize, ratio, ratioMet, p99Met };
  });
  const top = run.search.sizes[run.search.sizes.length - 1];
  for (const plan of top.plans) if (plan.matched.serviceFailed) missed.push(`${plan.scenario}: the service failed its request at ${top.label} (${plan.matched.serviceFailed})`);
  for (const plan of top.plans) if (plan.badPlan) missed.push(`${plan.scenario}: seq scan on ${plan.seqScans.join(', ')} at ${top.label}`);
  // Not a seq scan, but as costly: an index scan on workspace_id alone that reads most of the workspace.
  const wholeWorkspace = (top.filters ?? []).filter((f) => Object.values(f.statements).some((e) => e.timedOut || e.rowsRead >= top.size / 2));
  if (wholeWorkspace.length) missed.push(`${wholeWorkspace.length} of ${top.filters.length} filters read at least half the workspace (or timed out) at ${top.label}: ${wholeWorkspace.map((f) => f.filter).join('; ')}`);
  for (const filter of top.filters ?? []) if (filter.seqScans.length) missed.push(`filter ${filter.filter}: seq scan on ${filter.seqScans.join(', ')} at ${top.label}`);
  for (const size of run.search.sizes) {
    for (const e of size.exports ?? []) {
      e.targetMet = size === top ? e.perSecond >= TARGETS.exportPerSecond && !e.failed : null;
      if (e.failed) missed.push(`${e.name} at ${size.label}: stopped, ${e.failed}`);
      if (e.targetMet === false) missed.push(`${e.name}: ${num(e.perSecond)} contacts/s at ${size.label} (target ${TARGETS.exportPerSecond})`);
      problems.push(...e.problems.map((p) => `${e.name} at ${size.label}: ${p}`));
    }
  }
  run.searchTargets = { targets: TARGETS, smallest, largest, rows, missed, problems };
}

export function searchMarkdown(run) {
  const t = run.searchTargets;
  if (!t) return [];
  const sizes = run.search.sizes;
  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  const lines = ['', `### List and search at ${sizes.map((s) => `${s.label} (${s.size})`).join(' and ')} contacts`, ''];
  for (const s of sizes) {
    const how = s.reused ? `reused from the kept database ${run.search.database.name} (seeded ${s.seed.seededAt}` : '(seeded now';
    lines.push(`- ${s.label}: ${how} through the event store in ${num(s.seed.seconds, 1)} s, ${num(s.seed.perSecond)}/s; VACUUM ANALYZE ${num(s.seed.vacuumAnalyzeSeconds, 1)} s)`);
  }
  const sizeColumns = sizes.map((s) => `${s.label} req/s | ${s.label} p50 ms | ${s.label} p99 ms`).join(' | ');
  const ratioLabel = sizes.length > 1 ? `${large.label}/${small.label}` : 'ratio';
  lines.push('', `| scenario | ${sizeColumns} | ${ratioLabel} (≥ ${t.targets.minSizeRatio}) | p99 < ${t.targets.maxP99Ms} ms at ${large.label} |`);
  lines.push(`|---|${sizes.map(() => '---:|---:|---:|').join('')}---:|---|`);
  for (const row of t.rows) {
    const cells = sizes.map((s) => {
      const r = row.bySize[s.size];
      return r ? `${num(r.requestsPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)}` : '— | — | —';
    });
    lines.push(`| ${row.family} | ${cells.join(' | ')} | ${num(row.ratio, 2)} ${yesNo(row.ratioMet)} | ${yesNo(row.p99Met)} |`);
  }
  lines.push('', `| export (one client, sequential) | ${sizes.map((s) => `${s.label} contacts/s | ${s.label} pages | ${s.label} page p99 ms`).join(' | ')} | ≥ ${t.targets.exportPerSecond}/s at ${large.label} |`);
  lines.push(`|---|${sizes.map(() => '---:|---:|---:|').join('')}---|`);
  for (const [i, e] of (large.exports ?? []).entries()) {
    const cells = sizes.map((s) => {
      const x = s.exports?.[i];
      const pages = `${x?.pages}${x?.failed ? ' (failed)' : x?.complete ? '' : ' (capped)'}`;
      return x ? `${num(x.perSecond)} | ${pages} | ${num(x.pageMs.p99, 1)}` : '— | — | —';
    });
    lines.push(`| ${e.name} | ${cells.join(' | ')} | ${yesNo(e.targetMet)} |`);
  }
  for (const s of sizes) {
    lines.push('', `Query plans at ${s.label} (EXPLAIN ANALYZE of every statement the repository issues, several drawn requests each):`);
    for (const plan of s.plans) lines.push(`- ${plan.line}`);
  }
  lines.push('', `Every filter of the search DSL, page 1 (EXPLAIN ANALYZE at ${large.label}; a seq scan there is flagged):`);
  for (const f of large.filters ?? []) lines.push(`- ${f.line}`);
  if (t.missed.length) lines.push('', `Search targets missed (${t.missed.length}):`, ...t.missed.map((m) => `- ⚠ ${m}`));
  if (t.problems.length) lines.push('', ...t.problems.map((p) => `- ✗ ${p}`));
  return lines;
}
