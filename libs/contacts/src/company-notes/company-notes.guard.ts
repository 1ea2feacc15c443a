import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ResourceNotFoundError, parseVersion, supports } from '@app/intercom';

/**
 * Company notes are 2.16's: before it they are a route Intercom does not have, 404 not_found "Resource Not Found".
 * A guard, so that it answers before the body or the query is validated (an unknown route validates nothing);
 * the token is checked first, by the global guards.
 */
@Injectable()
export class CompanyNotesVersionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ apiVersion?: number; headers: Record<string, string | string[] | undefined> }>();
    const version = request.apiVersion ?? parseVersion(request.headers['intercom-version']);
    if (!supports(version, 'companyNotes')) throw new ResourceNotFoundError();
    return true;
  }
}
