import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { CompaniesService, CompanyNotFoundError } from '../application/companies.service.js';
import { SaveCompanyRequest } from './company.request.js';
import { renderCompany } from './company.response.js';

@ApiTags('Companies')
@ApiBearerAuth()
@Controller('companies')
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @ApiOperation({ summary: 'Create a company, or update the one with this company_id' })
  @Post()
  @HttpCode(200)
  async save(@Auth() auth: AuthContext, @Body() body: SaveCompanyRequest) {
    return renderCompany(await this.companies.save(auth.workspaceId, body));
  }

  @ApiOperation({ summary: 'Get a company by its Intercom id' })
  @Get(':id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string) {
    const company = await this.companies.find(auth.workspaceId, id);
    if (!company) throw new CompanyNotFoundError();
    return renderCompany(company);
  }
}
