import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type ApiVersion, parseVersion } from '../api-version.js';

type VersionedRequest = FastifyRequest & { apiVersion?: ApiVersion };

/** Checks Intercom-Version on every request, before any handler runs. */
@Injectable()
export class IntercomVersionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<VersionedRequest>();
    request.apiVersion = parseVersion(request.headers['intercom-version']);
    return true;
  }
}

export const RequestedVersion = createParamDecorator((_: unknown, context: ExecutionContext): ApiVersion => {
  const request = context.switchToHttp().getRequest<VersionedRequest>();
  return request.apiVersion ?? parseVersion(request.headers['intercom-version']);
});
