import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { EventMeta } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { TagCompaniesCommand } from '../companies/tag-companies.handler.js';
import { ListTagsQuery } from './list-tags.handler.js';
import { SaveTagCommand } from './save-tag.handler.js';
import { SaveTagRequest } from './tag.request.js';
import { renderTag, renderTagList } from './tag.response.js';

@ApiTags('Tags')
@ApiBearerAuth()
@Controller('tags')
export class TagsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Create a tag, or find it by name (case-insensitive); with an id, rename that tag' })
  @Post()
  @HttpCode(200)
  async save(@Auth() auth: AuthContext, @Body() body: SaveTagRequest, @EventMeta() meta: EventMetadata) {
    if (body.companies !== undefined) return renderTag(await this.commands.execute(new TagCompaniesCommand(auth.workspaceId, body.name, body.companies, meta)));
    return renderTag(await this.commands.execute(new SaveTagCommand(auth.workspaceId, body.name, body.id)));
  }

  @ApiOperation({ summary: "List the workspace's tags" })
  @Get()
  async list(@Auth() auth: AuthContext) {
    return renderTagList(await this.queries.execute(new ListTagsQuery(auth.workspaceId)), renderTag);
  }
}
