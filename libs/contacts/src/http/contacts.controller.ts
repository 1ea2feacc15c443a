import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { Auth, type AuthContext } from '@app/workspaces';
import { CreateContactCommand } from '../application/create-contact.command.js';
import { GetContactQuery } from '../application/get-contact.query.js';
import { UpdateContactCommand } from '../application/update-contact.command.js';
import { renderContact } from './contact.response.js';
import { ContactRequest } from './contact.request.js';
import { type ApiVersion, RequestedVersion } from './intercom-version.js';
import { EventMeta } from './request-metadata.js';

@ApiTags('Contacts')
@ApiBearerAuth()
@ApiHeader({ name: 'Intercom-Version', required: false, description: '2.7 to 2.16; default 2.11' })
@Controller('contacts')
export class ContactsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Create a contact' })
  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Body() body: ContactRequest, @EventMeta() meta: EventMetadata, @RequestedVersion() version: ApiVersion) {
    const view = await this.commands.execute(new CreateContactCommand(auth.workspaceId, body, meta));
    return renderContact(view.state, version);
  }

  @ApiOperation({ summary: 'Get a contact' })
  @Get(':id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string, @RequestedVersion() version: ApiVersion) {
    const view = await this.queries.execute(new GetContactQuery(auth.workspaceId, id));
    return renderContact(view.state, version);
  }

  @ApiOperation({ summary: 'Update a contact' })
  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: ContactRequest,
    @EventMeta() meta: EventMetadata,
    @RequestedVersion() version: ApiVersion,
  ) {
    const view = await this.commands.execute(new UpdateContactCommand(auth.workspaceId, id, body, meta));
    return renderContact(view.state, version);
  }
}
