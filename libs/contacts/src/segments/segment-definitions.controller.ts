import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiVersion } from '@app/intercom';
import { IdempotentWrites, RequestedVersion } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { DefineSegmentCommand } from './define-segment.handler.js';
import { DeleteSegmentCommand } from './delete-segment.handler.js';
import { FindSegmentQuery, ListSegmentsQuery } from './segment.queries.js';
import { CreateSegmentRequest, UpdateSegmentRequest } from './segment.request.js';
import { renderDefinition } from './segment.response.js';

/**
 * The service's own routes for defining segments (Intercom's are read-only): authorised, as every route, by the
 * workspace's access token. A query is read in the request's Intercom-Version, and kept with it.
 */
@ApiTags('Segments')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('segment_definitions')
export class SegmentDefinitionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Define a segment: a named query of the search DSL over contacts, or of company fields (target companies)' })
  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Body() body: CreateSegmentRequest, @RequestedVersion() version: ApiVersion) {
    const input = { name: body.name, target: body.target ?? 'contacts', personType: body.person_type ?? 'user', query: body.query, version };
    return renderDefinition(await this.commands.execute(new DefineSegmentCommand(auth.workspaceId, input)));
  }

  @ApiOperation({ summary: "The workspace's segment definitions, oldest first" })
  @Get()
  async list(@Auth() auth: AuthContext) {
    const items = await this.queries.execute(new ListSegmentsQuery(auth.workspaceId, false));
    return { type: 'list', data: items.map(({ segment }) => renderDefinition(segment)) };
  }

  @ApiOperation({ summary: "A segment's definition" })
  @Get(':id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string) {
    return renderDefinition(await this.queries.execute(new FindSegmentQuery(auth.workspaceId, id)));
  }

  @ApiOperation({ summary: "Change a segment's name, person type or query" })
  @Put(':id')
  async update(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: UpdateSegmentRequest, @RequestedVersion() version: ApiVersion) {
    const changes = { name: body.name, target: body.target, personType: body.person_type, query: body.query, version };
    return renderDefinition(await this.commands.execute(new DefineSegmentCommand(auth.workspaceId, changes, id)));
  }

  @ApiOperation({ summary: 'Delete a segment' })
  @Delete(':id')
  async remove(@Auth() auth: AuthContext, @Param('id') id: string) {
    return { ...renderDefinition(await this.commands.execute(new DeleteSegmentCommand(auth.workspaceId, id))), deleted: true };
  }
}
