import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { WorkspacesService } from '../workspaces.service.js';
import { Auth, type AuthContext } from './access-token.guard.js';
import { renderAdmin, renderMe } from './admins.response.js';
import { IntercomError } from '@app/intercom';

export class AdminNotFoundError extends IntercomError {
  constructor() {
    super('admin_not_found', 404, 'Admin not found');
  }
}

@ApiTags('Admins')
@ApiBearerAuth()
@Controller()
export class AdminsController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @ApiOperation({ summary: "The admin the access token acts for (the workspace's first admin), with its workspace" })
  @Get('me')
  async me(@Auth() auth: AuthContext) {
    const [admin, workspace] = await Promise.all([this.workspaces.firstAdmin(auth.workspaceId), this.workspaces.findWorkspace(auth.workspaceId)]);
    if (!admin || !workspace) throw new AdminNotFoundError();
    return renderMe(admin, workspace);
  }

  @ApiOperation({ summary: "The workspace's admins" })
  @ApiQuery({ name: 'display_avatar', required: false, type: Boolean })
  @Get('admins')
  async list(@Auth() auth: AuthContext, @Query('display_avatar') displayAvatar?: string) {
    const admins = await this.workspaces.listAdmins(auth.workspaceId);
    return { type: 'admin.list', admins: admins.map((admin) => renderAdmin(admin, displayAvatar === 'true')) };
  }

  @ApiOperation({ summary: 'Retrieve an admin' })
  @Get('admins/:id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string) {
    // Admin ids are bigint identities; anything else names no admin (and must not reach the query).
    const admin = /^\d{1,15}$/.test(id) ? await this.workspaces.findAdmin(auth.workspaceId, Number(id)) : null;
    if (!admin) throw new AdminNotFoundError();
    return renderAdmin(admin);
  }
}
