import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, RequestMethod, SetMetadata, UseInterceptors } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { type IdempotencyClaim, IdempotencyKeys, type KeyRecord, isClaimLost, runWithIdempotencyClaim } from '@app/event-store';
import type { FastifyRequest } from 'fastify';
import { Observable, catchError, from, mergeMap, of, throwError } from 'rxjs';
import { LIMITS } from '../limits.js';
import {
  IdempotencyKeyInvalidError,
  IdempotencyKeyReusedError,
  IdempotencyKeyTakenOverError,
  IdempotentAnswerUnavailableError,
  IdempotentRequestRunningError,
} from './idempotency.errors.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\x21-\x7E][\x20-\x7E]*$/;
const READS_ONLY = Symbol('READS_ONLY');

/** A POST that only reads (a search, a list): an Idempotency-Key sent with it is ignored, nothing is stored. */
export const ReadsOnly = () => SetMetadata(READS_ONLY, true);
export const isReadsOnly = (route: object): boolean => Reflect.getMetadata(READS_ONLY, route) === true;

/** What the request's onSend hook needs: the claim to answer, or the stored answer being replayed. */
export type IdempotentExchange = { claim: IdempotencyClaim; replay?: undefined } | { claim?: undefined; replay: KeyRecord };
export const IDEMPOTENT_EXCHANGE = Symbol('IDEMPOTENT_EXCHANGE');
export type KeyedRequest = FastifyRequest & { auth?: { workspaceId: string }; [IDEMPOTENT_EXCHANGE]?: IdempotentExchange };

/**
 * Idempotency-Key on every write (docs/architecture.md, "Idempotent requests"): the first request with a key runs
 * holding it, a repeat replays the stored answer, the same key with another request is refused, a repeat while the
 * first runs waits for it (bounded) and then answers 409. Without the header nothing here touches the database.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(IdempotencyKeys) private readonly keys: IdempotencyKeys) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    const header = request.headers['idempotency-key'];
    const workspaceId = request.auth?.workspaceId;
    // @IdempotentWrites binds it to write routes only, never a @ReadsOnly() one; an ALL route also answers reads.
    if (header === undefined || !workspaceId || !WRITES.has(request.method)) {
      return next.handle();
    }
    return from(this.admit(request, workspaceId, header)).pipe(
      mergeMap((exchange) => {
        request[IDEMPOTENT_EXCHANGE] = exchange;
        if (exchange.replay) return of(Buffer.from(exchange.replay.body ?? ''));
        const claim = exchange.claim;
        // Subscribed inside the claim's context, so that every write the handler starts carries it.
        return new Observable((subscriber) => runWithIdempotencyClaim(claim, () => next.handle().subscribe(subscriber))).pipe(
          catchError((error) => throwError(() => (isClaimLost(error) ? new IdempotencyKeyTakenOverError() : error))),
        );
      }),
    );
  }

  private async admit(request: KeyedRequest, workspaceId: string, header: string | string[]): Promise<IdempotentExchange> {
    if (typeof header !== 'string' || header.length > LIMITS.idempotencyKeyChars || !KEY.test(header)) throw new IdempotencyKeyInvalidError();
    const fingerprint = fingerprintOf(request);
    const claim: IdempotencyClaim = { workspaceId, key: header, owner: randomUUID(), applied: false, active: true };
    const deadline = Date.now() + LIMITS.idempotentWaitMs;
    for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
      if (await this.keys.claim(workspaceId, header, fingerprint, claim.owner)) return { claim };
      const record = await this.keys.find(workspaceId, header);
      if (record && record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
      if (record?.answered) {
        if (record.body === null || record.status === null) throw new IdempotentAnswerUnavailableError();
        return { replay: record };
      }
      // Applied, and its holder is gone without answering: running it again would apply it twice.
      if (record?.applied && !record.held) throw new IdempotentAnswerUnavailableError();
      if (Date.now() >= deadline) throw new IdempotentRequestRunningError();
      await sleep(pause);
    }
  }
}

const WRITE_ROUTES = new Set([RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE, RequestMethod.ALL]);

/**
 * Binds IdempotencyInterceptor to every write route (POST, PUT, PATCH, DELETE, unless `@ReadsOnly()`) of the controller, as
 * `@UseInterceptors` on each of them would; put it on every controller that has one. It is not a global interceptor
 * because Nest runs each request of a route with an interceptor through rxjs (defer, mergeAll, a ReplaySubject and
 * async resources per request: GET at 1.18x without them, issue 12), and this one has nothing to do on a read.
 * test/idempotency.e2e-spec.ts checks that every write route of the app has it.
 */
export const IdempotentWrites = (): ClassDecorator => (target) => {
  for (const name of Object.getOwnPropertyNames(target.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name)!;
    const route = descriptor.value;
    if (typeof route !== 'function' || !WRITE_ROUTES.has(Reflect.getMetadata(METHOD_METADATA, route)) || isReadsOnly(route)) continue;
    UseInterceptors(IdempotencyInterceptor)(target.prototype, name, descriptor);
  }
};

/** Method, path with query and body: a key names one request. */
function fingerprintOf(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method}\n${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
}
