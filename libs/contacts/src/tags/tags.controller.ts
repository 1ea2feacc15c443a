import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { ParameterInvalidError } from '@app/intercom';
import { EventMeta, IdempotentWrites } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { TagCompaniesCommand } from '../companies/tag-companies.handler.js';
import { DeleteTagCommand } from './delete-tag.handler.js';
import { FindTagQuery } from './find-tag.handler.js';
import { ListTagsQuery } from './list-tags.handler.js';
import { SaveTagCommand } from './save-tag.handler.js';
import type { Tag } from './tag-catalog.repository.js';
import { TagUsersCommand } from './tag-users.handler.js';
import { SaveTagRequest } from './tag.request.js';
import { renderTag, renderTagList } from './tag.response.js';

@ApiTags('Tags')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('tags')
export class TagsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Create a tag, or find it by name (case-insensitive); with an id, rename that tag; with users, tag or untag them' })
  @Post()
  @HttpCode(200)
  async save(@Auth() auth: AuthContext, @Body() body: SaveTagRequest, @EventMeta() meta: EventMetadata) {
    return renderTag(await this.dispatch(auth.workspaceId, body, meta));
  }

  /** The forms of POST /tags, one branch each: which list the body carries decides. */
  private dispatch(workspaceId: string, body: SaveTagRequest, meta: EventMetadata): Promise<Tag> {
    if (body.companies !== undefined) {
      if (body.users !== undefined) throw new ParameterInvalidError('a request tags either users or companies', 'companies');
      return this.commands.execute(new TagCompaniesCommand(workspaceId, body.name, body.companies, meta));
    }
    if (body.users !== undefined) {
      if (body.id !== undefined) throw new ParameterInvalidError('id renames a tag and cannot be combined with users', 'id');
      const users = body.users.map(({ untag, ...ref }) => ({ ...ref, untag: untag === true }));
      return this.commands.execute(new TagUsersCommand(workspaceId, body.name, users, meta));
    }
    return this.commands.execute(new SaveTagCommand(workspaceId, body.name, body.id));
  }

  @ApiOperation({ summary: 'Find a tag' })
  @Get(':id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string) {
    return renderTag(await this.queries.execute(new FindTagQuery(auth.workspaceId, id)));
  }

  @ApiOperation({ summary: 'Delete a tag: it comes off every contact (ContactUntagged events); refused while a segment names it' })
  @Delete(':id')
  async delete(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata): Promise<void> {
    // Intercom answers 200 with no body.
    await this.commands.execute(new DeleteTagCommand(auth.workspaceId, id, meta));
  }

  @ApiOperation({ summary: "List the workspace's tags" })
  @Get()
  async list(@Auth() auth: AuthContext) {
    return renderTagList(await this.queries.execute(new ListTagsQuery(auth.workspaceId)), renderTag);
  }
}
