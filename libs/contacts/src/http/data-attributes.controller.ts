import { isNumericId } from '../application/numeric-id.js';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { type DataAttribute, DataAttributeInvalidError, DataAttributeNotFoundError, DataAttributesService } from '../application/data-attributes.service.js';
import { CreateDataAttributeRequest, UpdateDataAttributeRequest } from './data-attribute.request.js';

const render = (a: DataAttribute) => ({
  ...(a.id !== undefined ? { id: a.id } : {}),
  type: 'data_attribute',
  name: a.name,
  full_name: a.custom ? `custom_attributes.${a.name}` : a.name,
  label: a.label,
  description: a.description,
  data_type: a.data_type,
  ...(a.options ? { options: a.options } : {}),
  api_writable: a.api_writable,
  ui_writable: a.ui_writable,
  messenger_writable: a.messenger_writable,
  custom: a.custom,
  archived: a.archived,
  ...(a.custom ? { admin_id: a.admin_id ?? null, created_at: a.created_at, updated_at: a.updated_at } : {}),
  model: a.model,
});

@ApiTags('Data Attributes')
@ApiBearerAuth()
@Controller('data_attributes')
export class DataAttributesController {
  constructor(private readonly attributes: DataAttributesService) {}

  @ApiOperation({ summary: 'List data attributes' })
  @Get()
  async list(@Auth() auth: AuthContext, @Query('model') model?: string, @Query('include_archived') includeArchived?: string) {
    if (model !== undefined && model !== 'contact' && model !== 'company') {
      throw new DataAttributeInvalidError('The Data Attribute model field must be either contact or company');
    }
    const data = await this.attributes.list(auth.workspaceId, model, includeArchived === 'true');
    return { type: 'list', data: data.map(render) };
  }

  @ApiOperation({ summary: 'Create a data attribute' })
  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Body() body: CreateDataAttributeRequest) {
    return render(await this.attributes.create(auth.workspaceId, body));
  }

  @ApiOperation({ summary: 'Update a data attribute' })
  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') rawId: string,
    @Body() body: UpdateDataAttributeRequest,
  ) {
    if (!isNumericId(rawId)) throw new DataAttributeNotFoundError();
    return render(await this.attributes.update(auth.workspaceId, Number(rawId), body));
  }
}
