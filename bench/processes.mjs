import { execFileSync, fork, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { adopt, onCleanup, stopChild } from './cleanup.mjs';

export const SERVICE_MAIN = new URL('../dist/apps/contacts-api/src/main.js', import.meta.url);
const BASELINE_MAIN = new URL('./baseline-server.mjs', import.meta.url);

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The built service (this checkout's, or `main` of another) as a direct child (no npm in between), so that its pid is the process whose memory is sampled.
 * Its output goes to `logPath`; `crashed` rejects if it exits before the bench stops it. `env` adds to its environment.
 * Rate limits are off unless `env` turns them on: the other scenarios measure the service, not the limiter.
 * `nodeArgs` go before the script (bench/profile.mjs passes --cpu-prof).
 */
export async function startService({ databaseUrl, token, logPath, main = SERVICE_MAIN.pathname, env: extraEnv = {}, nodeArgs = [] }) {
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', WORKERS: 'off', BOOTSTRAP_TOKEN: token, RATE_LIMIT_PER_MINUTE: '0', ...extraEnv };
  const child = adopt(spawn(process.execPath, [...nodeArgs, main], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  mkdirSync(path.dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath);
  const output = { lines: 0, tail: [] };
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      log.write(chunk);
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        output.lines++;
        output.tail.push(line);
        if (output.tail.length > 20) output.tail.shift();
      }
    });
  }
  const handle = { name: 'service', child, pid: child.pid, url: `http://127.0.0.1:${port}`, output, stopping: false };
  handle.crashed = new Promise((_, reject) => {
    child.once('exit', (code, signal) => {
      if (!handle.stopping) reject(new Error(`the service exited unexpectedly (code ${code}, signal ${signal}); last output:\n${output.tail.join('\n')}`));
    });
  });
  handle.crashed.catch(() => undefined);
  let stopped;
  // Once, whether a phase stops it early or the teardown does.
  handle.stop = () =>
    (stopped ??= (async () => {
      handle.stopping = true;
      await stopChild(child);
      await new Promise((resolve) => log.end(resolve));
    })());
  onCleanup(handle.stop);
  await waitForHealth(handle);
  return handle;
}

async function waitForHealth(handle, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ready = await fetch(`${handle.url}/health`).then((res) => res.ok, () => false);
    if (ready) return;
    await Promise.race([handle.crashed, new Promise((resolve) => setTimeout(resolve, 200))]);
  }
  throw new Error(`the service did not answer GET /health within ${timeoutMs / 1000} s`);
}

/** A bare server answering `body` (a contact as JSON text) on GET and PUT /contacts/:id: `kind` 'fastify' or 'node:http'. */
export async function startBaseline(body, kind = 'fastify') {
  const child = adopt(fork(BASELINE_MAIN, [kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const handle = { name: `baseline (${kind})`, child, pid: child.pid, stopping: false };
  onCleanup(() => {
    handle.stopping = true;
    return stopChild(child);
  });
  handle.crashed = new Promise((_, reject) => {
    child.once('exit', (code, signal) => {
      if (!handle.stopping) reject(new Error(`the baseline server exited unexpectedly (code ${code}, signal ${signal})`));
    });
  });
  handle.crashed.catch(() => undefined);
  const ready = new Promise((resolve) => child.once('message', resolve));
  child.send({ body });
  const { port } = await Promise.race([ready, handle.crashed]);
  handle.url = `http://127.0.0.1:${port}`;
  return handle;
}

/** CPU time (user and system) one process has used so far, in µs, from /proc/<pid>/stat; null where there is no /proc. */
export function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/** Peak resident memory of one process, from /proc/<pid>/status every 200 ms (ps where there is no /proc). */
export class RssSampler {
  constructor(pid, intervalMs = 200) {
    this.pid = pid;
    this.intervalMs = intervalMs;
  }

  start() {
    this.peakKiB = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Peak RSS in MiB since start(), and the process' lifetime high-water mark where the kernel reports it. */
  stop() {
    clearInterval(this.timer);
    this.sample();
    return { peakMiB: this.peakKiB / 1024, hwmMiB: this.status()?.VmHWM / 1024 || null };
  }

  sample() {
    const rss = this.status()?.VmRSS ?? this.ps();
    if (rss > this.peakKiB) this.peakKiB = rss;
  }

  status() {
    try {
      const text = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      return Object.fromEntries([...text.matchAll(/^(Vm\w+):\s+(\d+) kB$/gm)].map(([, key, kib]) => [key, Number(kib)]));
    } catch {
      return undefined;
    }
  }

  ps() {
    try {
      return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(this.pid)], { encoding: 'utf8' }).trim()) || 0;
    } catch {
      return 0;
    }
  }
}
