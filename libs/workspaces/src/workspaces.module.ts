import { Global, Module } from '@nestjs/common';
import { WorkspacesService } from './workspaces.service.js';
import { AccessTokenGuard } from './http/access-token.guard.js';

@Global()
@Module({
  providers: [WorkspacesService, AccessTokenGuard],
  exports: [WorkspacesService, AccessTokenGuard],
})
export class WorkspacesModule {}
