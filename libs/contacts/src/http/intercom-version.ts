import { type CanActivate, type ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The minor number of an Intercom API version 2.x: 11 stands for 2.11. */
export type ApiVersion = number;

export const DEFAULT_VERSION: ApiVersion = 11;
const OLDEST = 7;
const NEWEST = 16;

export class IntercomVersionError extends Error {
  readonly code = 'intercom_version_invalid';
  constructor(requested: string) {
    super(`Intercom-Version '${requested}' is not supported; use 2.${OLDEST} to 2.${NEWEST}`);
  }
}

export function parseVersion(header: string | string[] | undefined): ApiVersion {
  if (header === undefined || header === '') return DEFAULT_VERSION;
  const text = Array.isArray(header) ? header[0] : header;
  const match = /^2\.(\d{1,2})$/.exec(text.trim());
  const minor = match ? Number(match[1]) : NaN;
  if (!(minor >= OLDEST && minor <= NEWEST)) throw new IntercomVersionError(text);
  return minor;
}

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
