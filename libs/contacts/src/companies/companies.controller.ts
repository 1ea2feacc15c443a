import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { SaveCompanyRequest } from './company.request.js';
import { renderCompany } from './company.response.js';
import { GetCompanyQuery } from './get-company.handler.js';
import { SaveCompanyCommand } from './save-company.handler.js';

@ApiTags('Companies')
@ApiBearerAuth()
@Controller('companies')
export class CompaniesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Create a company, or update the one with this company_id' })
  @Post()
  @HttpCode(200)
  async save(@Auth() auth: AuthContext, @Body() body: SaveCompanyRequest) {
    return renderCompany(await this.commands.execute(new SaveCompanyCommand(auth.workspaceId, body)));
  }

  @ApiOperation({ summary: 'Get a company by its Intercom id' })
  @Get(':id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string) {
    return renderCompany(await this.queries.execute(new GetCompanyQuery(auth.workspaceId, id)));
  }
}
