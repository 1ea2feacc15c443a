import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { EventMetadata } from '@app/event-store';
import type { FastifyRequest } from 'fastify';

type Request = FastifyRequest & { auth?: { tokenRef: string } };

/** The metadata recorded with the events a request causes: actor, request id, Intercom-Version, Idempotency-Key if sent. */
export const EventMeta = createParamDecorator((_: unknown, context: ExecutionContext): EventMetadata => {
  const request = context.switchToHttp().getRequest<Request>();
  const key = request.headers['idempotency-key'];
  return {
    actor: { type: 'access_token', id: request.auth?.tokenRef ?? 'unknown' },
    request_id: String(request.id),
    intercom_version: (request.headers['intercom-version'] as string | undefined) ?? null,
    // The interceptor has refused any other shape before the handler runs.
    ...(typeof key === 'string' ? { idempotency_key: key } : {}),
  };
});
