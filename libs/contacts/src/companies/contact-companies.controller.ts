import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { EventMeta, IdempotentWrites } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { AttachCompanyCommand } from './attach-company.handler.js';
import { ContactCompaniesRequest, ContactCompanyRequest } from './company.request.js';
import { renderCompany, renderCompanyPage } from './company.response.js';
import { DetachCompanyCommand } from './detach-company.handler.js';
import { ListContactCompaniesQuery } from './list-contact-companies.handler.js';

@ApiTags('Contacts', 'Companies')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('contacts/:id/companies')
export class ContactCompaniesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Attach a company to a contact' })
  @Post()
  @HttpCode(200)
  async attach(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: ContactCompanyRequest, @EventMeta() meta: EventMetadata) {
    return renderCompany(await this.commands.execute(new AttachCompanyCommand(auth.workspaceId, id, body.id, meta)));
  }

  @ApiOperation({ summary: 'Detach a company from a contact' })
  @Delete(':company_id')
  async detach(@Auth() auth: AuthContext, @Param('id') id: string, @Param('company_id') companyId: string, @EventMeta() meta: EventMetadata) {
    return renderCompany(await this.commands.execute(new DetachCompanyCommand(auth.workspaceId, id, companyId, meta)));
  }

  @ApiOperation({ summary: 'List the companies of a contact, in the order they were attached' })
  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: ContactCompaniesRequest) {
    const page = await this.queries.execute(new ListContactCompaniesQuery(auth.workspaceId, id, params.page ?? 1, params.per_page ?? 50));
    return renderCompanyPage(id, page);
  }
}
