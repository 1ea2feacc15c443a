import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { Auth, type AuthContext } from '@app/workspaces';
import { CreateContactCommand } from '../application/create-contact.command.js';
import { ContactAsOfQuery, ContactHistoryQuery } from '../application/contact-history.query.js';
import { ChangeContactLifecycleCommand, type LifecycleAction, MergeContactsCommand } from '../application/contact-lifecycle.commands.js';
import { ContactMergeHistoryQuery, FindContactByExternalIdQuery, GetContactQuery } from '../application/get-contact.query.js';
import { UpdateContactCommand } from '../application/update-contact.command.js';
import { renderArchived, renderBlocked, renderContact, renderDeleted } from './contact.response.js';
import { AsOfRequest, ContactRequest, MergeContactsRequest, MergeHistoryRequest } from './contact.request.js';
import { renderMergeHistory } from './merge-history.response.js';
import { ListContactsRequest } from './contacts-list.request.js';
import { renderHistory } from './contact-history.response.js';
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

  @ApiOperation({ summary: 'Merge a lead into a user' })
  @Post('merge')
  @HttpCode(200)
  async merge(@Auth() auth: AuthContext, @Body() body: MergeContactsRequest, @EventMeta() meta: EventMetadata, @RequestedVersion() version: ApiVersion) {
    const requireDuplicate = version >= 16 && body.skip_duplicate_validation !== true;
    const view = await this.commands.execute(new MergeContactsCommand(auth.workspaceId, body.from, body.into, meta, requireDuplicate));
    return renderContact(view.state, version);
  }

  @ApiOperation({ summary: 'Get a user by external_id (2.13+; users only)' })
  @Get('find_by_external_id/:external_id')
  async findByExternalId(@Auth() auth: AuthContext, @Param('external_id') externalId: string, @RequestedVersion() version: ApiVersion) {
    const view = await this.queries.execute(new FindContactByExternalIdQuery(auth.workspaceId, externalId));
    return renderContact(view.state, version);
  }

  @ApiOperation({ summary: 'Get a contact; with as_of (Unix seconds), the contact as it was then' })
  @Get(':id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: AsOfRequest, @RequestedVersion() version: ApiVersion) {
    if (params.as_of !== undefined) return renderContact(await this.queries.execute(new ContactAsOfQuery(auth.workspaceId, id, params.as_of)), version);
    const view = await this.queries.execute(new GetContactQuery(auth.workspaceId, id, version >= 16));
    return renderContact(view.state, version);
  }

  @ApiOperation({ summary: 'The leads merged into a user (2.16)' })
  @Get(':id/merge_history')
  async mergeHistory(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: MergeHistoryRequest) {
    return renderMergeHistory(await this.queries.execute(new ContactMergeHistoryQuery(auth.workspaceId, id)), params);
  }

  @ApiOperation({ summary: "The contact's segments: this service defines no segments, so the list is empty" })
  @Get(':id/segments')
  async segments(@Auth() auth: AuthContext, @Param('id') id: string) {
    await this.queries.execute(new GetContactQuery(auth.workspaceId, id));
    return { type: 'list', data: [] };
  }

  @ApiOperation({ summary: "The contact's audit trail: its events, oldest first, as field diffs" })
  @Get(':id/history')
  async history(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: ListContactsRequest) {
    return renderHistory(await this.queries.execute(new ContactHistoryQuery(auth.workspaceId, id, params.per_page ?? 50, params.starting_after ?? null)));
  }

  @ApiOperation({ summary: 'Delete a contact' })
  @Delete(':id')
  async delete(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata) {
    return renderDeleted((await this.lifecycle(auth, id, 'delete', meta)).state);
  }

  @ApiOperation({ summary: 'Archive a contact' })
  @Post(':id/archive')
  @HttpCode(200)
  async archive(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata) {
    return renderArchived((await this.lifecycle(auth, id, 'archive', meta)).state);
  }

  @ApiOperation({ summary: 'Unarchive a contact' })
  @Post(':id/unarchive')
  @HttpCode(200)
  async unarchive(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata) {
    return renderArchived((await this.lifecycle(auth, id, 'unarchive', meta)).state);
  }

  @ApiOperation({ summary: 'Block a contact (2.13+)' })
  @Post(':id/block')
  @HttpCode(200)
  async block(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata) {
    return renderBlocked((await this.lifecycle(auth, id, 'block', meta)).state);
  }

  private lifecycle(auth: AuthContext, id: string, action: LifecycleAction, meta: EventMetadata) {
    return this.commands.execute(new ChangeContactLifecycleCommand(auth.workspaceId, id, action, meta));
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
