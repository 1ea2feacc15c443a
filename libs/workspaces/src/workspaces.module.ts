import { type DynamicModule, Global, Module } from '@nestjs/common';
import { WorkspacesService } from './workspaces.service.js';
import { WORKSPACES_OPTIONS, type WorkspacesOptions } from './workspaces.options.js';
import { AccessTokenGuard } from './http/access-token.guard.js';
import { AdminsController } from './http/admins.controller.js';

/**
 * Workspaces, their access tokens and admins. Imported once per process with `forRoot` (the API's AppModule, the
 * worker's WorkerModule); it is global, so WebhooksModule and the others use its one WorkspacesService, whose token
 * cache is the one a revocation has to outlive.
 */
@Global()
@Module({})
export class WorkspacesModule {
  static forRoot(options: WorkspacesOptions): DynamicModule {
    return {
      module: WorkspacesModule,
      controllers: [AdminsController],
      providers: [{ provide: WORKSPACES_OPTIONS, useValue: options }, WorkspacesService, AccessTokenGuard],
      exports: [WorkspacesService, AccessTokenGuard],
    };
  }
}
