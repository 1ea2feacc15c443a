import { type Server, type Socket, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LogProcessorsRunner } from '@app/processors';
import { checkDatabase, DatabaseUnavailableError, loadConfig, startOperationsServer } from '@app/runtime';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerHttp } from '../apps/contacts-worker/src/worker-http.js';
import { WorkerModule } from '../apps/contacts-worker/src/worker.module.js';
import { UUID } from './support/shape.js';

const unavailable = {
  type: 'error.list',
  request_id: expect.stringMatching(UUID),
  errors: [{ code: 'service_unavailable', message: 'The database is not answering' }],
};

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(20);
  return check();
}

describe('the worker process over HTTP', () => {
  let context: INestApplicationContext | undefined;
  let base: string;
  const worker = () => request(base);

  beforeAll(async () => {
    const config = { ...loadConfig({ LOG_LEVEL: 'silent', WORKER_PORT: '0', HOST: '127.0.0.1' }), databaseUrl: inject('databaseUrl') };
    context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    await context.init();
    base = `http://127.0.0.1:${context.get(WorkerHttp).port}`;
  });
  afterAll(async () => {
    await context?.close();
  });

  it('answers GET /health with 200 while the database answers', async () => {
    const res = await worker().get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves the process registry at GET /metrics, the log processor metrics included', async () => {
    const res = await worker().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of ['log_processor_lag_events', 'log_processor_lag_seconds', 'log_processor_events_total', 'log_processor_failures_total']) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    expect(res.text).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('reports the lag of the processor it runs', async () => {
    const webhooks = context!.get(LogProcessorsRunner).get('webhooks');
    expect(webhooks).toBeDefined();
    // Only the lease holder reports lag; another test file's worker may hold the lease for a while.
    if (!(await until(() => webhooks!.active, 10_000))) return;
    const sample = /^log_processor_lag_events\{processor="webhooks"\} \d+$/m;
    let text = '';
    for (const deadline = Date.now() + 5000; !sample.test(text) && Date.now() < deadline; await sleep(50)) text = (await worker().get('/metrics')).text;
    expect(text).toMatch(sample);
  });

  it("serves none of the API's routes", async () => {
    for (const res of [await worker().get('/contacts'), await worker().get('/docs'), await worker().post('/health').send({})]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
    }
  });

  it('closes its listener with the application', async () => {
    await context!.close();
    context = undefined;
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});

describe('the health probe when the database does not answer', () => {
  const sockets = new Set<Socket>();
  let silent: Server;
  let closedPort: number;

  beforeAll(async () => {
    // A port nothing listens on: bind one, then let it go.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    // A server that accepts connections and never says a word, like a database that hangs.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  const poolAt = (port: number) => {
    const pool = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${port}/test`, max: 1 });
    pool.on('error', () => undefined);
    return pool;
  };

  it('fails fast on a refused connection, and within its timeout on a silent one', async () => {
    const refused = poolAt(closedPort);
    await expect(checkDatabase(refused, 2000)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await refused.end();

    const hanging = poolAt((silent.address() as AddressInfo).port);
    const started = Date.now();
    await expect(checkDatabase(hanging, 200)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(Date.now() - started).toBeLessThan(1500);
    for (const socket of sockets) socket.destroy();
    await hanging.end();
  });

  it('makes the worker server answer 503 in the error envelope', async () => {
    const pool = poolAt(closedPort);
    const server = await startOperationsServer({ pool, port: 0, host: '127.0.0.1', probeTimeoutMs: 500 });
    try {
      const res = await request(`http://127.0.0.1:${server.port}`).get('/health');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(unavailable);
    } finally {
      await server.close();
      await pool.end();
    }
  });
});
