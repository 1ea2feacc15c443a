import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Intercom error codes this service uses, and their HTTP status. */
const STATUS_BY_CODE: Record<string, number> = {
  parameter_invalid: 400,
  parameter_not_found: 400,
  client_error: 400,
  bad_request: 400,
  intercom_version_invalid: 400,
  invalid_sort_order: 400,
  invalid_merge: 400,
  contact_company_limit_exceeded: 400,
  unauthorized: 401,
  not_found: 404,
  admin_not_found: 404,
  field_not_found: 404,
  company_not_found: 404,
  conflict: 409,
  contact_merged: 410,
  request_too_large: 413,
  unsupported: 415,
  data_invalid: 422,
  rate_limit_exceeded: 429,
  service_unavailable: 503,
};

const CODE_BY_STATUS: Record<number, [string, string]> = {
  400: ['bad_request', 'Bad request'],
  404: ['not_found', 'Resource Not Found'],
  413: ['request_too_large', 'Request body is larger than 1 MiB'],
  415: ['unsupported', 'Content-Type must be application/json'],
};

interface Described {
  status: number;
  code: string;
  message: string;
  field?: string;
}

/** Every error leaves as Intercom's error.list; nothing internal (stack, SQL) is ever sent. */
@Catch()
export class IntercomErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('IntercomErrorFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const requestId = typeof request?.id === 'string' ? request.id : randomUUID();
    const described = describe(error);
    if (described.status >= 500) this.logger.error({ err: error, request_id: requestId }, 'request failed');
    const item: Record<string, string> = { code: described.code, message: described.message };
    if (described.field) item.field = described.field;
    reply.status(described.status).header('content-type', 'application/json; charset=utf-8');
    const canonicalId = (error as { canonicalId?: unknown }).canonicalId;
    if (described.code === 'contact_merged' && typeof canonicalId === 'string') reply.header('link', `</contacts/${canonicalId}>; rel="canonical"`);
    reply.send({ type: 'error.list', request_id: requestId, errors: [item] });
  }
}

export function describe(error: unknown): Described {
  const e = error as { code?: unknown; message?: string; field?: string; statusCode?: number };
  if (error instanceof Error && typeof e.code === 'string' && STATUS_BY_CODE[e.code]) {
    return { status: STATUS_BY_CODE[e.code], code: e.code, message: error.message, field: e.field };
  }
  // A PostgreSQL data exception (class 22: out of range, bad encoding) is caused by an input value; say so without the SQL.
  if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code) && !(error instanceof HttpException)) {
    return { status: 400, code: 'parameter_invalid', message: 'A value in the request is out of range or cannot be stored' };
  }
  const status = error instanceof HttpException ? error.getStatus() : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 500) return { status: 500, code: 'server_error', message: 'An internal error occurred' };
  const [code, message] = CODE_BY_STATUS[status] ?? ['bad_request', 'Bad request'];
  return { status, code, message };
}
