import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { DATABASE_PROBE_TIMEOUT_MS, checkDatabase } from './database-probe.js';
import { DatabaseUnavailableError } from './database-unavailable.js';
import { collectProcessMetrics, registry } from './metrics-registry.js';

export interface OperationsServerOptions {
  pool: Pick<pg.Pool, 'query'>;
  /** 0 picks a free port (tests). */
  port: number;
  host: string;
  probeTimeoutMs?: number;
}

export interface OperationsServer {
  /** The port actually bound. */
  readonly port: number;
  close(): Promise<void>;
}

// Scrapers and probes send tiny requests; nothing here should hold a socket for long.
const REQUEST_TIMEOUT_MS = 5000;
// In-flight answers get this long to finish once closing starts (just over a health probe).
const CLOSE_GRACE_MS = DATABASE_PROBE_TIMEOUT_MS + 500;

/**
 * GET /health and GET /metrics on a port of their own, for a process without an HTTP API (the worker).
 * Plain node:http: two routes need no framework, and nothing else can be reached through it.
 */
export async function startOperationsServer(options: OperationsServerOptions): Promise<OperationsServer> {
  collectProcessMetrics();
  const server = createServer((req, res) => void answer(req, res, options));
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { port: (server.address() as AddressInfo).port, close: () => close(server) };
}

async function answer(req: IncomingMessage, res: ServerResponse, options: OperationsServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const readable = req.method === 'GET' || req.method === 'HEAD';
  try {
    if (readable && path === '/health') {
      await checkDatabase(options.pool, options.probeTimeoutMs);
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify({ status: 'ok' }));
    }
    if (readable && path === '/metrics') return send(res, 200, registry.contentType, await registry.metrics());
    sendError(res, 404, 'not_found', 'Resource Not Found');
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) return sendError(res, 503, error.code, error.message, error.headers);
    sendError(res, 500, 'server_error', 'An internal error occurred');
  }
}

/** The same error.list envelope as the API's, so that one client reads both. */
function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}): void {
  const body = { type: 'error.list', request_id: randomUUID(), errors: [{ code, message }] };
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Readonly<Record<string, string>> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
}

/** Stops accepting, lets answers in flight finish for a bounded time, then drops whatever is left. */
function close(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  });
}
