import { mkdirSync, writeFileSync } from 'node:fs';
import { searchMarkdown } from './report-search.mjs';

/** Adds each scenario's ratios to the ones it is compared with, and whether their targets were met. */
export function compare(results) {
  const byName = new Map(results.map((r) => [r.name, r]));
  const ratio = (r, name) => {
    const base = name ? byName.get(name) : undefined;
    return base?.requestsPerSecond ? r.requestsPerSecond / base.requestsPerSecond : null;
  };
  const met = (value, min) => (min === null || min === undefined || value === null ? null : value >= min);
  for (const r of results) {
    r.ratio = ratio(r, r.compareWith);
    r.nodeRatio = ratio(r, r.nodeCompareWith);
    const checks = [met(r.ratio, r.minRatio), met(r.nodeRatio, r.minNodeRatio)].filter((m) => m !== null);
    r.targetMet = checks.length ? checks.every(Boolean) : null;
  }
  return results;
}

const num = (value, digits = 0) => (value === null || value === undefined ? '—' : value.toFixed(digits));
// autocannon's latency histogram holds whole milliseconds.
const ms = (value) => (value === 0 ? '<1' : num(value));
const target = (min) => (min === null || min === undefined ? '' : `≥ ${pct(min)}`);
const pct = (value) => (value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`);

export function markdown(run) {
  const lines = [
    `## contacts-api bench, ${run.date}`,
    '',
    `nproc ${run.machine.nproc} (${run.machine.cpu}), node ${run.machine.node}, 1-min load average ${num(run.machine.loadAverageAtStart[0], 2)}` +
      ` before the run; PostgreSQL ${run.database.mode}` +
      ` (${run.database.version}); ${run.settings.connections} connections, ${run.settings.durationSeconds} s per scenario` +
      ` after ${run.settings.warmupSeconds} s warm-up; ${run.seed.contacts} contacts seeded in ${num(run.seed.seconds, 1)} s` +
      ` (${num(run.seed.perSecond)}/s); contact payload ${run.payloadBytes ?? "—"} bytes`,
    '',
    '| scenario | requests/s | p50 ms | p99 ms | CPU µs/req | peak RSS MiB | vs baseline | target | vs node:http | target | met |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  // The list/search scenarios have a table of their own, by workspace size (report-search.mjs).
  for (const r of run.scenarios.filter((s) => !s.family)) {
    const met = r.targetMet === null ? '' : r.targetMet ? 'yes' : '**no**';
    const flag = r.problems.length ? ' ⚠' : '';
    lines.push(
      `| ${r.name}${flag} | ${num(r.requestsPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${num(r.cpuMicrosPerRequest)} | ${num(r.peakRssMiB, 1)}` +
        ` | ${pct(r.ratio)} | ${target(r.minRatio)} | ${r.nodeRatio == null ? '' : pct(r.nodeRatio)} | ${target(r.minNodeRatio)} | ${met} |`,
    );
  }
  lines.push(...logProcessorRows(run));
  lines.push('', 'Peak RSS is that of the process under test (the baseline server for baseline rows), sampled every 200 ms; CPU µs/req is the CPU time (user and system) that process spent in the measured phase, over its requests.');
  if (run.codec) {
    const put = run.scenarios.find((s) => s.name === 'service PUT /contacts/{id}');
    // The service's CPU per PUT at its measured rate, on all of the machine's cores.
    const perPut = put?.requestsPerSecond ? (1e6 * run.machine.nproc) / put.requestsPerSecond : null;
    const share = perPut ? ` (${pct(run.codec.sealMicros / perPut)} of the ${num(perPut)} µs of machine time a PUT takes at the measured rate)` : '';
    lines.push(`Codec: sealing one PUT's event takes ${num(run.codec.sealMicros, 1)} µs${share}, opening it ${num(run.codec.openMicros, 1)} µs; a plain copy ${num(run.codec.plainCopyMicros, 1)} µs.`);
  }
  for (const e of run.encryption ?? []) {
    lines.push(
      `Encryption, ${e.name}: ${pct(e.ratio)} of the requests/s with it off, summed over ${e.phases} phases each (target ${target(e.minRatio)}: ${e.met ? 'met' : '**not met**'});` +
        ` the service's CPU per request ${num(e.cpuMicrosOn)} µs on, ${num(e.cpuMicrosOff)} µs off.`,
    );
  }
  lines.push(...searchMarkdown(run));
  for (const r of run.scenarios.filter((s) => s.problems.length)) lines.push(`- ⚠ ${r.name}: ${r.problems.join('; ')}`);
  if (run.errors.length) lines.push(...run.errors.map((e) => `- ✗ ${e.message}`));
  return lines.join('\n');
}

/** The NATS relay (lag from commit to arrival on NATS) and the projection rebuild, when they ran. */
function logProcessorRows({ relay, rebuild, sealedRebuild }) {
  if (!relay && !rebuild) return [];
  const lines = ['', '| log processor | events | seconds | events/s | lag p50 ms | lag p99 ms | notes |', '|---|---:|---:|---:|---:|---:|---|'];
  if (relay?.skipped) lines.push(`| NATS relay | | | | | | skipped: ${relay.skipped} |`);
  else if (relay) {
    const { backlog, underLoad: u } = relay;
    lines.push(`| NATS relay, backlog at start | ${backlog.events} | ${num(backlog.seconds, 1)} | ${num(backlog.eventsPerSecond)} | | | stream ${relay.stream} |`);
    lines.push(
      `| NATS relay, under "${u.scenario}" | ${u.events} | | ${num(u.eventsPerSecond)} | ${num(u.lagMs.p50)} | ${num(u.lagMs.p99)}` +
        ` | last event on NATS ${num(u.drainAfterLoadSeconds, 2)} s after the load |`,
    );
  }
  if (rebuild?.skipped) lines.push(`| projection rebuild | | | | | | skipped: ${rebuild.skipped} |`);
  else if (rebuild) {
    const r = rebuild.report;
    lines.push(
      `| projection rebuild | ${r.events} | ${num(r.seconds, 1)} | ${num(r.events_per_second)} | | |` +
        ` ${r.contacts} contacts; writers waited ${num(r.lock_seconds, 2)} s for the swap; ${rebuild.seeded.events} events appended by SQL (a database of their own) in ${num(rebuild.seeded.seconds, 1)} s |`,
    );
  }
  if (sealedRebuild && !sealedRebuild.skipped) {
    const r = sealedRebuild.report;
    const plain = rebuild?.report?.events_per_second;
    const ratio = plain ? ` (${pct(r.events_per_second / plain)} of the plain rebuild's events/s)` : '';
    lines.push(`| projection rebuild, personal values sealed | ${r.events} | ${num(r.seconds, 1)} | ${num(r.events_per_second)} | | | ${r.contacts} contacts, each with its data key${ratio} |`);
  }
  return lines;
}

export function writeJson(run) {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL('latest.json', dir);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file.pathname;
}
