import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { CreateDataAttributeCommand } from './create-data-attribute.handler.js';
import { CreateDataAttributeRequest, UpdateDataAttributeRequest } from './data-attribute.request.js';
import { renderDataAttribute } from './data-attribute.response.js';
import { ListDataAttributesQuery } from './list-data-attributes.handler.js';
import { UpdateDataAttributeCommand } from './update-data-attribute.handler.js';
import { IdempotentWrites } from '@app/intercom/http';

@ApiTags('Data Attributes')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('data_attributes')
export class DataAttributesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'List data attributes' })
  @Get()
  async list(@Auth() auth: AuthContext, @Query('model') model?: string, @Query('include_archived') includeArchived?: string) {
    const data = await this.queries.execute(new ListDataAttributesQuery(auth.workspaceId, model, includeArchived === 'true'));
    return { type: 'list', data: data.map(renderDataAttribute) };
  }

  @ApiOperation({ summary: 'Create a data attribute' })
  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Body() body: CreateDataAttributeRequest) {
    return renderDataAttribute(await this.commands.execute(new CreateDataAttributeCommand(auth.workspaceId, body)));
  }

  @ApiOperation({ summary: 'Update a data attribute' })
  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') rawId: string,
    @Body() body: UpdateDataAttributeRequest,
  ) {
    return renderDataAttribute(await this.commands.execute(new UpdateDataAttributeCommand(auth.workspaceId, rawId, body)));
  }
}
