import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { collectProcessMetrics } from '@app/runtime';

const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'] });
const latency = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/** Counts and times every request by its route pattern (never by raw URL, which would explode label sets). */
export function instrument(fastify: FastifyInstance): void {
  collectProcessMetrics();
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
