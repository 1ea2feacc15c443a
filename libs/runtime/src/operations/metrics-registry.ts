import { collectDefaultMetrics, register } from 'prom-client';

/**
 * The process-wide registry: the libraries register their metrics (log processor lag, event store
 * appends, webhook deliveries) on prom-client's default one, so every process scrapes this one.
 */
export const registry = register;

let collecting = false;

/** Adds Node's process metrics once; a second registration of the same names would throw. */
export function collectProcessMetrics(): void {
  if (collecting) return;
  collecting = true;
  collectDefaultMetrics({ register: registry });
}
