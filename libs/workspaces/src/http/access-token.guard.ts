import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { type TokenIdentity, WorkspacesService } from '../workspaces.service.js';
import { accessToken } from './access-token.js';
import { IntercomError } from '@app/intercom';

export class UnauthorizedError extends IntercomError {
  constructor() {
    super('unauthorized', 401, 'Access Token Invalid');
  }
}

const PUBLIC = 'access-token:public';
/** Marks a route that needs no access token (health, metrics). */
export const Public = () => SetMetadata(PUBLIC, true);
export const isPublic = (reflector: Reflector, context: ExecutionContext) =>
  reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()]) === true;


export type AuthContext = TokenIdentity;

export type AuthedRequest = FastifyRequest & { auth?: AuthContext };

@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublic(this.reflector, context)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = accessToken(request);
    if (!token) throw new UnauthorizedError();
    const identity = await this.workspaces.identify(token);
    if (!identity) throw new UnauthorizedError();
    request.auth = identity;
    return true;
  }
}

export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw new UnauthorizedError();
  return auth;
});
