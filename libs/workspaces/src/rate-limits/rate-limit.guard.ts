import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { IntercomError } from '@app/intercom';
import { Counter } from 'prom-client';
import { accessToken } from '../http/access-token.js';
import { AccessTokenGuard, type AuthedRequest, isPublic } from '../http/access-token.guard.js';
import { WorkspacesService } from '../workspaces.service.js';
import { RATE_LIMIT_OPTIONS, type RateLimitOptions } from './rate-limit.options.js';

const rejected = new Counter({ name: 'rate_limited_requests_total', help: 'Requests refused with 429', labelNames: ['tracker'] });

// Never early: a client that waits until then finds the window over (the count is whole seconds, rounded up).
const resetAt = (secondsLeft: number) => Math.ceil(Date.now() / 1000) + secondsLeft;

export class RateLimitExceededError extends IntercomError {
  constructor(detail: ThrottlerLimitDetail) {
    super('rate_limit_exceeded', 429, `Rate limit exceeded: at most ${detail.limit} requests per 10 seconds`, undefined, {
      'Retry-After': String(detail.timeToBlockExpire),
      'X-RateLimit-Limit': String(detail.limit),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(resetAt(detail.timeToExpire)),
    });
  }
}

/**
 * The access token check with Intercom's rate limits around it (it replaces AccessTokenGuard as the app's guard).
 * A request with a token this process does not know to be valid counts first against its client address, before
 * the database is asked: a flood of bad tokens is refused with 429 without a query each. Then the token is checked
 * (the 401 is AccessTokenGuard's, unchanged) and the request counts against its workspace, whatever the route.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(AccessTokenGuard) private readonly auth: AccessTokenGuard,
    @Inject(WorkspacesService) private readonly workspaces: WorkspacesService,
    @Inject(RATE_LIMIT_OPTIONS) private readonly limits: RateLimitOptions,
  ) {
    super(options, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limits.perMinute || isPublic(this.reflector, context)) return this.auth.canActivate(context);
    const token = accessToken(context.switchToHttp().getRequest<AuthedRequest>());
    if (token === undefined || !this.workspaces.knowsValid(token)) await super.canActivate(context);
    await this.auth.canActivate(context);
    return super.canActivate(context);
  }

  protected override async getTracker(request: AuthedRequest): Promise<string> {
    return request.auth ? `workspace:${request.auth.workspaceId}` : `address:${await super.getTracker(request)}`;
  }

  // One budget per tracker across every route (the library's default key is per route).
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return tracker;
  }

  protected override setResponseHeader(reply: FastifyReply, name: string, value: string | number): void {
    // Only authenticated answers carry the headers: a 401 stays as it was, and a 429 carries its own (below).
    if (!(reply.request as AuthedRequest).auth || name === 'Retry-After') return;
    super.setResponseHeader(reply, name, name === 'X-RateLimit-Reset' ? resetAt(Number(value)) : value);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    rejected.inc({ tracker: detail.tracker.slice(0, detail.tracker.indexOf(':')) });
    throw new RateLimitExceededError(detail);
  }
}
