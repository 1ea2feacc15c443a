import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { IntercomError } from '@app/intercom';
import { asDatabaseUnavailable } from '@app/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Errors raised below the application (the framework, Fastify's parsers and limits), by HTTP status. */
const CODE_BY_STATUS: Record<number, [string, string]> = {
  400: ['bad_request', 'Bad request'],
  404: ['not_found', 'Resource Not Found'],
  413: ['request_too_large', 'Request body is larger than 1 MiB'],
  415: ['unsupported', 'Content-Type must be application/json'],
};

/** Every error leaves as Intercom's error.list; nothing internal (stack, SQL) is ever sent. */
@Catch()
export class IntercomErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('IntercomErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const requestId = typeof request?.id === 'string' ? request.id : randomUUID();
    const described = describe(error);
    // A 503 is the database's state, not a bug: one line without the stack, or an outage floods the log.
    if (described.status === 503) this.logger.warn({ request_id: requestId, reason: String((error as Error)?.message ?? error) }, 'database unavailable');
    else if (described.status >= 500) this.logger.error({ err: error, request_id: requestId }, 'request failed');
    const item: Record<string, string> = { code: described.code, message: described.message };
    if (described.field) item.field = described.field;
    reply.status(described.status).header('content-type', 'application/json; charset=utf-8');
    for (const [name, value] of Object.entries(described.headers)) reply.header(name, value);
    reply.send({ type: 'error.list', request_id: requestId, errors: [item] });
  }
}

export function describe(error: unknown): IntercomError {
  if (error instanceof IntercomError) return error;
  const unavailable = asDatabaseUnavailable(error);
  if (unavailable) return unavailable;
  const e = error as { code?: unknown; statusCode?: number };
  // A PostgreSQL data exception (class 22: out of range, bad encoding) is caused by an input value; say so without the SQL.
  if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code) && !(error instanceof HttpException)) {
    return new IntercomError('parameter_invalid', 400, 'A value in the request is out of range or cannot be stored');
  }
  const status = error instanceof HttpException ? error.getStatus() : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 500) return new IntercomError('server_error', 500, 'An internal error occurred');
  const [code, message] = CODE_BY_STATUS[status] ?? ['bad_request', 'Bad request'];
  return new IntercomError(code, status, message);
}
