import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { EventMeta, IdempotentWrites } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { ListContactTagsQuery } from './list-contact-tags.handler.js';
import { TagContactCommand } from './tag-contact.handler.js';
import { UntagContactCommand } from './untag-contact.handler.js';
import { ContactTagRequest } from './tag.request.js';
import { renderContactTag, renderTagList } from './tag.response.js';

@ApiTags('Contacts', 'Tags')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('contacts/:id/tags')
export class ContactTagsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Add a tag to a contact' })
  @Post()
  @HttpCode(200)
  async tag(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: ContactTagRequest, @EventMeta() meta: EventMetadata) {
    return renderContactTag(await this.commands.execute(new TagContactCommand(auth.workspaceId, id, body.id, meta)));
  }

  @ApiOperation({ summary: 'Remove a tag from a contact' })
  @Delete(':tag_id')
  async untag(@Auth() auth: AuthContext, @Param('id') id: string, @Param('tag_id') tagId: string, @EventMeta() meta: EventMetadata) {
    return renderContactTag(await this.commands.execute(new UntagContactCommand(auth.workspaceId, id, tagId, meta)));
  }

  @ApiOperation({ summary: 'List the tags of a contact, in the order they were applied' })
  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string) {
    return renderTagList(await this.queries.execute(new ListContactTagsQuery(auth.workspaceId, id)), renderContactTag);
  }
}
