import type { Logger } from '@nestjs/common';
import type { IdempotencyKeys } from '@app/event-store';
import type { FastifyReply } from 'fastify';
import { LIMITS } from '../limits.js';
import { IDEMPOTENT_EXCHANGE, type KeyedRequest } from './idempotency.interceptor.js';

/**
 * Which answers a key keeps, after Stripe ("results are saved once the endpoint began executing"): whatever the
 * status, an answer whose write was applied; otherwise every answer but those that say nothing about the request's
 * outcome: 400 (its parameters failed validation: fix them and retry with the same key), 409 (a concurrent writer),
 * 429 and 5xx (nothing was written: a retry runs again).
 */
export function keepsAnswer(status: number, applied: boolean): boolean {
  return applied || (status < 500 && status !== 400 && status !== 409 && status !== 429);
}

/**
 * The onSend hook: a replay gets its stored status and content type; a request that held a key stores its answer
 * (the bytes about to be sent) or gives the key up, before the answer leaves.
 */
export function idempotentAnswers(keys: IdempotencyKeys, logger: Logger) {
  return async (request: KeyedRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const exchange = request[IDEMPOTENT_EXCHANGE];
    if (!exchange) return payload;
    if (exchange.replay) {
      reply.code(exchange.replay.status ?? 200);
      if (exchange.replay.contentType) reply.header('content-type', exchange.replay.contentType);
      else reply.removeHeader('content-type');
      reply.header('idempotent-replayed', 'true');
      return payload;
    }
    const { claim } = exchange;
    claim.active = false;
    try {
      if (!keepsAnswer(reply.statusCode, claim.applied)) await keys.release(claim);
      else await keys.answer(claim, { status: reply.statusCode, contentType: contentTypeOf(reply), body: bodyOf(payload) });
    } catch (error) {
      // The answer still goes out; the key stays held until its lease ends (docs/architecture.md says what a retry finds).
      logger.warn(`idempotency key answer not stored: ${(error as Error).message}`);
    }
    return payload;
  };
}

function contentTypeOf(reply: FastifyReply): string | null {
  const value = reply.getHeader('content-type');
  return typeof value === 'string' ? value : null;
}

/** The answer's text, or null when it is not kept (over the bound, or not text). */
function bodyOf(payload: unknown): string | null {
  const text = payload === undefined || payload === null ? '' : typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
  return text !== null && Buffer.byteLength(text) <= LIMITS.idempotentAnswerBytes ? text : null;
}
