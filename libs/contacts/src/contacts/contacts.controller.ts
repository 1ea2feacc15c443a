import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { type ApiVersion, entityTag, supports } from '@app/intercom';
import { Conditional, type ConditionalRequest, EventMeta, IdempotentWrites, RequestedVersion } from '@app/intercom/http';
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
import type { ContactView } from '../store/contact.repository.js';

const IF_MATCH = { name: 'If-Match', required: false, description: 'An ETag of the contact: the write is refused with 412 unless the contact is still at its version' };

@ApiTags('Contacts')
@ApiBearerAuth()
@ApiHeader({ name: 'Intercom-Version', required: false, description: '1.0 to 1.4, 2.0 to 2.16 or Unstable; default 2.11' })
@IdempotentWrites()
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
  async create(
    @Auth() auth: AuthContext,
    @Body() body: ContactRequest,
    @EventMeta() meta: EventMetadata,
    @RequestedVersion() version: ApiVersion,
    @Conditional() conditional: ConditionalRequest,
  ) {
    const view = await this.commands.execute(new CreateContactCommand(auth.workspaceId, contactPatch(body, version), meta));
    return conditional.answer(contactTag(view, version), () => renderContact(view.state, version));
  }

  @ApiOperation({ summary: 'Update a contact' })
  @ApiHeader(IF_MATCH)
  @RouteSchema(CONTACT_RESPONSE)
  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: ContactRequest,
    @Query() params: IncludeMergeHistoryRequest,
    @EventMeta() meta: EventMetadata,
    @RequestedVersion() version: ApiVersion,
    @Conditional() conditional: ConditionalRequest,
  ) {
    // Every part of the request is checked before anything is recorded.
    const history = wantsMergeHistory(params, version);
    const view = await this.commands.execute(new UpdateContactCommand(auth.workspaceId, id, contactPatch(body, version), meta, conditional.expected));
    return conditional.answer(contactTag(view, version), () => this.render(auth, view.state, version, history));
  }

  @ApiOperation({ summary: 'Get a contact; with as_of (Unix seconds), the contact as it was then' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of the contact: 304 without a body while it still names it' })
  @RouteSchema(CONTACT_RESPONSE)
  @Get(':id')
  async find(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() params: AsOfRequest,
    @RequestedVersion() version: ApiVersion,
    @Conditional() conditional: ConditionalRequest,
  ) {
    const history = wantsMergeHistory(params, version);
    if (params.as_of !== undefined) {
      return this.render(auth, await this.queries.execute(new GetContactAsOfQuery(auth.workspaceId, id, params.as_of)), version, history, params.as_of);
    }
    const view = await this.queries.execute(new GetContactQuery(auth.workspaceId, id, supports(version, 'mergedContactGone')));
    return conditional.answer(contactTag(view, version), () => this.render(auth, view.state, version, history));
  }

  @ApiOperation({ summary: 'Get a user by external_id (2.13+; users only)' })
  @RouteSchema(CONTACT_RESPONSE)
  @Get('find_by_external_id/:external_id')
  async findByExternalId(
    @Auth() auth: AuthContext,
    @Param('external_id') externalId: string,
    @Query() params: IncludeMergeHistoryRequest,
    @RequestedVersion() version: ApiVersion,
    @Conditional() conditional: ConditionalRequest,
  ) {
    const history = wantsMergeHistory(params, version);
    const view = await this.queries.execute(new FindContactByExternalIdQuery(auth.workspaceId, externalId));
    return conditional.answer(contactTag(view, version), () => this.render(auth, view.state, version, history));
  }

  @ApiOperation({ summary: 'Merge a lead into a user' })
  @ApiHeader({ ...IF_MATCH, description: 'An ETag of the user (`into`): the merge is refused with 412 unless the user is still at its version' })
  @RouteSchema(CONTACT_RESPONSE)
  @Post('merge')
  @HttpCode(200)
  async merge(
    @Auth() auth: AuthContext,
    @Body() body: MergeContactsRequest,
    @Query() params: IncludeMergeHistoryRequest,
    @EventMeta() meta: EventMetadata,
    @RequestedVersion() version: ApiVersion,
    @Conditional() conditional: ConditionalRequest,
  ) {
    const history = wantsMergeHistory(params, version);
    const requireDuplicate = supports(version, 'duplicateOnlyMerge') && body.skip_duplicate_validation !== true;
    const merge = new MergeContactsCommand(auth.workspaceId, body.from, body.into, meta, requireDuplicate, conditional.expected);
    const view = await this.commands.execute(merge);
    return conditional.answer(contactTag(view, version), () => this.render(auth, view.state, version, history));
  }

  @ApiOperation({ summary: 'The leads merged into a user (2.16)' })
  @Get(':id/merge_history')
  async mergeHistory(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: MergeHistoryRequest) {
    const query = new GetMergeHistoryQuery(auth.workspaceId, id, params.per_page ?? 50, params.order ?? 'desc', params.cursor);
    return renderMergeHistory(await this.queries.execute(query));
  }

  @ApiOperation({ summary: 'Delete a contact' })
  @ApiHeader(IF_MATCH)
  @Delete(':id')
  async delete(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata, @Conditional() conditional: ConditionalRequest) {
    return renderDeleted((await this.lifecycle(auth, id, 'delete', meta, conditional)).state);
  }

  @ApiOperation({ summary: 'Archive a contact' })
  @ApiHeader(IF_MATCH)
  @Post(':id/archive')
  @HttpCode(200)
  async archive(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata, @Conditional() conditional: ConditionalRequest) {
    return renderArchived((await this.lifecycle(auth, id, 'archive', meta, conditional)).state);
  }

  @ApiOperation({ summary: 'Unarchive a contact' })
  @ApiHeader(IF_MATCH)
  @Post(':id/unarchive')
  @HttpCode(200)
  async unarchive(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata, @Conditional() conditional: ConditionalRequest) {
    return renderArchived((await this.lifecycle(auth, id, 'unarchive', meta, conditional)).state);
  }

  @ApiOperation({ summary: 'Block a contact (2.13+)' })
  @ApiHeader(IF_MATCH)
  @Post(':id/block')
  @HttpCode(200)
  async block(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata, @Conditional() conditional: ConditionalRequest) {
    return renderBlocked((await this.lifecycle(auth, id, 'block', meta, conditional)).state);
  }

  /** The contact object, with its merge_history when it was asked for (`until`: an as_of read's time). */
  private async render(auth: AuthContext, state: ContactState, version: ApiVersion, withHistory: boolean, until: number | null = null) {
    const history = withHistory ? await this.queries.execute(new GetEmbeddedMergeHistoryQuery(auth.workspaceId, [state], until)) : undefined;
    return renderContact(state, version, history);
  }

  private lifecycle(auth: AuthContext, id: string, action: LifecycleAction, meta: EventMetadata, conditional: ConditionalRequest) {
    return this.commands.execute(new ChangeLifecycleCommand(auth.workspaceId, id, action, meta, conditional.expected));
  }
}

/** The contact's entity tag: its stream version, which the read-model row carries, and the shape's version. */
const contactTag = (view: ContactView, version: ApiVersion) => entityTag(view.version, version);
