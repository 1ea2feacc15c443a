import { IntercomError } from '@app/intercom';

/** How long a client is asked to wait before it tries again (the pool heals within a connect timeout). */
export const RETRY_AFTER_SECONDS = 1;

/** Intercom's 503, with Retry-After: the database is down, overloaded or too slow; nothing was answered. */
export class DatabaseUnavailableError extends IntercomError {
  constructor(message = 'The database is not answering') {
    super('service_unavailable', 503, message, undefined, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
}

// Socket errors of a connection to a server that is gone, unreachable or refusing.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATEs of a server that cannot serve now: 08 connection exception, 53 insufficient resources (too many
// connections, out of memory or disk), 57P01-57P03 shutting down or starting, 55P03 a lock not granted in time,
// 40001/40P01 a transaction the server gave up on (serialization failure, deadlock): the same request may succeed now.
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[123]|55P03|40001|40P01)$/;
// 57014 query_canceled: the statement timeout fired (or an operator cancelled it).
const TIMED_OUT_SQLSTATE = '57014';
// pg and pg-pool raise these without a code.
const DRIVER_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Query read timeout',
  'Cannot use a pool after calling end on the pool',
];

/**
 * The one mapping of database failures to a 503: what pg and pg-pool raise when the server is down, full
 * or too slow. Follows `cause` and AggregateError's `errors` (a connect that tried several addresses).
 * Anything else is undefined: a bug stays a 500.
 */
export function asDatabaseUnavailable(error: unknown, depth = 0): DatabaseUnavailableError | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  if (error instanceof DatabaseUnavailableError) return error;
  if (error instanceof IntercomError) return undefined;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (code === TIMED_OUT_SQLSTATE) return new DatabaseUnavailableError('The database took too long to answer');
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return new DatabaseUnavailableError();
  if (typeof message === 'string' && DRIVER_MESSAGES.some((known) => message.startsWith(known))) return new DatabaseUnavailableError();
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = asDatabaseUnavailable(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}
