import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { type ApiVersion, supports } from '@app/intercom';
import { EventMeta, RequestedVersion } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import type { LifecycleAction } from '../domain/contact.aggregate.js';
import { GetContactAsOfQuery } from '../history/get-contact-as-of.handler.js';
import { ChangeLifecycleCommand } from './change-lifecycle.handler.js';
import type { ContactState } from '../domain/contact.state.js';
import {
  AsOfRequest,
  ContactRequest,
  IncludeMergeHistoryRequest,
  MergeContactsRequest,
  MergeHistoryRequest,
  contactPatch,
  wantsMergeHistory,
} from './contact.request.js';
import { renderArchived, renderBlocked, renderContact, renderDeleted, renderMergeHistory } from './contact.response.js';
import { CONTACT_RESPONSE } from './contact.schema.js';
import { CreateContactCommand } from './create-contact.handler.js';
import { GetEmbeddedMergeHistoryQuery } from './embedded-merge-history.handler.js';
import { FindContactByExternalIdQuery } from './find-contact-by-external-id.handler.js';
import { GetContactQuery } from './get-contact.handler.js';
import { GetMergeHistoryQuery } from './get-merge-history.handler.js';
import { MergeContactsCommand } from './merge-contacts.handler.js';
import { UpdateContactCommand } from './update-contact.handler.js';

@ApiTags('Contacts')
@ApiBearerAuth()
@ApiHeader({ name: 'Intercom-Version', required: false, description: '1.0 to 1.4, 2.0 to 2.16 or Unstable; default 2.11' })
@Controller('contacts')
export class ContactsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Create a contact' })
  @RouteSchema(CONTACT_RESPONSE)
  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Body() body: ContactRequest, @EventMeta() meta: EventMetadata, @RequestedVersion() version: ApiVersion) {
    const view = await this.commands.execute(new CreateContactCommand(auth.workspaceId, contactPatch(body, version), meta));
    return renderContact(view.state, version);
  }

  @ApiOperation({ summary: 'Update a contact' })
  @RouteSchema(CONTACT_RESPONSE)
  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: ContactRequest,
    @Query() params: IncludeMergeHistoryRequest,
    @EventMeta() meta: EventMetadata,
    @RequestedVersion() version: ApiVersion,
  ) {
    // Every part of the request is checked before anything is recorded.
    const history = wantsMergeHistory(params, version);
    const view = await this.commands.execute(new UpdateContactCommand(auth.workspaceId, id, contactPatch(body, version), meta));
    return this.render(auth, view.state, version, history);
  }

  @ApiOperation({ summary: 'Get a contact; with as_of (Unix seconds), the contact as it was then' })
  @RouteSchema(CONTACT_RESPONSE)
  @Get(':id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: AsOfRequest, @RequestedVersion() version: ApiVersion) {
    const history = wantsMergeHistory(params, version);
    if (params.as_of !== undefined) {
      return this.render(auth, await this.queries.execute(new GetContactAsOfQuery(auth.workspaceId, id, params.as_of)), version, history, params.as_of);
    }
    const view = await this.queries.execute(new GetContactQuery(auth.workspaceId, id, supports(version, 'mergedContactGone')));
    return this.render(auth, view.state, version, history);
  }

  @ApiOperation({ summary: 'Get a user by external_id (2.13+; users only)' })
  @RouteSchema(CONTACT_RESPONSE)
  @Get('find_by_external_id/:external_id')
  async findByExternalId(
    @Auth() auth: AuthContext,
    @Param('external_id') externalId: string,
    @Query() params: IncludeMergeHistoryRequest,
    @RequestedVersion() version: ApiVersion,
  ) {
    const history = wantsMergeHistory(params, version);
    const view = await this.queries.execute(new FindContactByExternalIdQuery(auth.workspaceId, externalId));
    return this.render(auth, view.state, version, history);
  }

  @ApiOperation({ summary: 'Merge a lead into a user' })
  @RouteSchema(CONTACT_RESPONSE)
  @Post('merge')
  @HttpCode(200)
  async merge(
    @Auth() auth: AuthContext,
    @Body() body: MergeContactsRequest,
    @Query() params: IncludeMergeHistoryRequest,
    @EventMeta() meta: EventMetadata,
    @RequestedVersion() version: ApiVersion,
  ) {
    const history = wantsMergeHistory(params, version);
    const requireDuplicate = supports(version, 'duplicateOnlyMerge') && body.skip_duplicate_validation !== true;
    const view = await this.commands.execute(new MergeContactsCommand(auth.workspaceId, body.from, body.into, meta, requireDuplicate));
    return this.render(auth, view.state, version, history);
  }

  @ApiOperation({ summary: 'The leads merged into a user (2.16)' })
  @Get(':id/merge_history')
  async mergeHistory(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: MergeHistoryRequest) {
    const query = new GetMergeHistoryQuery(auth.workspaceId, id, params.per_page ?? 50, params.order ?? 'desc', params.cursor);
    return renderMergeHistory(await this.queries.execute(query));
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

  /** The contact object, with its merge_history when it was asked for (`until`: an as_of read's time). */
  private async render(auth: AuthContext, state: ContactState, version: ApiVersion, withHistory: boolean, until: number | null = null) {
    const history = withHistory ? await this.queries.execute(new GetEmbeddedMergeHistoryQuery(auth.workspaceId, [state], until)) : undefined;
    return renderContact(state, version, history);
  }

  private lifecycle(auth: AuthContext, id: string, action: LifecycleAction, meta: EventMetadata) {
    return this.commands.execute(new ChangeLifecycleCommand(auth.workspaceId, id, action, meta));
  }
}
