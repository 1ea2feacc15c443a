import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { TagsService } from '../application/tags.service.js';
import { SaveTagRequest } from './tag.request.js';
import { renderTag, renderTagList } from './tag.response.js';

@ApiTags('Tags')
@ApiBearerAuth()
@Controller('tags')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @ApiOperation({ summary: 'Create a tag, or find it by name (case-insensitive); with an id, rename that tag' })
  @Post()
  @HttpCode(200)
  async save(@Auth() auth: AuthContext, @Body() body: SaveTagRequest) {
    const tag = body.id === undefined ? await this.tags.create(auth.workspaceId, body.name) : await this.tags.rename(auth.workspaceId, body.id, body.name);
    return renderTag(tag);
  }

  @ApiOperation({ summary: "List the workspace's tags" })
  @Get()
  async list(@Auth() auth: AuthContext) {
    return renderTagList(await this.tags.list(auth.workspaceId), renderTag);
  }
}
