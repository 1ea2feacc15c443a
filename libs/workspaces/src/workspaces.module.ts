import { Global, Module } from '@nestjs/common';
import { WorkspacesService } from './workspaces.service.js';
import { AccessTokenGuard } from './http/access-token.guard.js';
import { AdminsController } from './http/admins.controller.js';

@Global()
@Module({
  controllers: [AdminsController],
  providers: [WorkspacesService, AccessTokenGuard],
  exports: [WorkspacesService, AccessTokenGuard],
})
export class WorkspacesModule {}
