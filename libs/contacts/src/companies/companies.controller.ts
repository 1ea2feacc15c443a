import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { type ApiVersion, entityTag, tagDigest } from '@app/intercom';
import { Conditional, type ConditionalRequest, EventMeta, IdempotentWrites, ReadsOnly, RequestedVersion } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { renderContact } from '../contacts/contact.response.js';
import { CompanyContactsRequest, CompanyListRequest, RetrieveCompaniesRequest, SaveCompanyRequest, ScrollCompaniesRequest, UpdateCompanyRequest } from './company.request.js';
import { renderCompany, renderDeletedCompany, renderListPage, renderScroll } from './company.response.js';
import type { Company } from './company-views.repository.js';
import { renderHistory } from '../history/contact-history.response.js';
import { ListContactsRequest } from '../search/contacts-list.request.js';
import { ListCompanySegmentsQuery } from './company-segments.js';
import { GetCompanyHistoryQuery } from './get-company-history.handler.js';
import { DeleteCompanyCommand } from './delete-company.handler.js';
import { FindCompanyQuery, GetCompanyQuery } from './get-company.handler.js';
import { ListCompaniesQuery, ScrollCompaniesQuery } from './list-companies.handler.js';
import { ListCompanyContactsQuery } from './list-company-contacts.handler.js';
import { SaveCompanyCommand, UpdateCompanyCommand } from './save-company.handler.js';

const IF_MATCH = { name: 'If-Match', required: false, description: 'An ETag of the company: the write is refused with 412 unless the company is still at its version' };

@ApiTags('Companies')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('companies')
export class CompaniesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Create a company, or update the one with this company_id' })
  @Post()
  @HttpCode(200)
  async save(
    @Auth() auth: AuthContext,
    @Body() body: SaveCompanyRequest,
    @EventMeta() meta: EventMetadata,
    @RequestedVersion() version: ApiVersion,
    @Conditional() conditional: ConditionalRequest,
  ) {
    const company = await this.commands.execute(new SaveCompanyCommand(auth.workspaceId, body.company_id, body, meta));
    return conditional.answer(companyTag(company, version), () => renderCompany(company));
  }

  @ApiOperation({ summary: 'One company by company_id or name; else a page of companies, of a tag or of a segment' })
  @Get()
  async retrieve(@Auth() auth: AuthContext, @Query() params: RetrieveCompaniesRequest) {
    if (params.company_id !== undefined || params.name !== undefined) {
      return renderCompany(await this.queries.execute(new FindCompanyQuery(auth.workspaceId, { company_id: params.company_id, name: params.name })));
    }
    return renderListPage(await this.queries.execute(new ListCompaniesQuery(auth.workspaceId, params)), renderCompany);
  }

  @ApiOperation({ summary: 'List companies by creation time, newest first unless order=asc (page numbers up to 10,000 companies)' })
  @Post('list')
  @ReadsOnly()
  @HttpCode(200)
  async list(@Auth() auth: AuthContext, @Query() params: CompanyListRequest) {
    return renderListPage(await this.queries.execute(new ListCompaniesQuery(auth.workspaceId, params)), renderCompany);
  }

  @ApiOperation({ summary: 'Every company, oldest first, a page per call: pass the scroll_param of the previous answer' })
  @Get('scroll')
  async scroll(@Auth() auth: AuthContext, @Query() params: ScrollCompaniesRequest) {
    const { companies, next } = await this.queries.execute(new ScrollCompaniesQuery(auth.workspaceId, params.scroll_param));
    return renderScroll(companies, next);
  }

  @ApiOperation({ summary: 'Get a company by its Intercom id' })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of the company: 304 without a body while it still names it' })
  @Get(':id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string, @RequestedVersion() version: ApiVersion, @Conditional() conditional: ConditionalRequest) {
    const company = await this.queries.execute(new GetCompanyQuery(auth.workspaceId, id));
    return conditional.answer(companyTag(company, version), () => renderCompany(company));
  }

  @ApiOperation({ summary: 'Update a company by its Intercom id (company_id cannot change)' })
  @ApiHeader(IF_MATCH)
  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: UpdateCompanyRequest,
    @EventMeta() meta: EventMetadata,
    @RequestedVersion() version: ApiVersion,
    @Conditional() conditional: ConditionalRequest,
  ) {
    const company = await this.commands.execute(new UpdateCompanyCommand(auth.workspaceId, id, body, meta, conditional.expected));
    return conditional.answer(companyTag(company, version), () => renderCompany(company));
  }

  @ApiOperation({ summary: 'Delete a company: it is detached from every contact that held it' })
  @ApiHeader(IF_MATCH)
  @Delete(':id')
  async remove(@Auth() auth: AuthContext, @Param('id') id: string, @EventMeta() meta: EventMetadata, @Conditional() conditional: ConditionalRequest) {
    await this.commands.execute(new DeleteCompanyCommand(auth.workspaceId, id, meta, conditional.expected));
    return renderDeletedCompany(id);
  }

  @ApiOperation({ summary: 'The contacts that hold the company, by contact id' })
  @Get(':id/contacts')
  async contacts(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: CompanyContactsRequest, @RequestedVersion() version: ApiVersion) {
    const page = await this.queries.execute(new ListCompanyContactsQuery(auth.workspaceId, id, params));
    const { pages, total_count, ...list } = renderListPage(page, (contact) => renderContact(contact, version));
    // The order of Intercom's company_attached_contacts example.
    return { ...list, total_count, pages };
  }

  @ApiOperation({ summary: 'The segments the company is in' })
  @Get(':id/segments')
  async segments(@Auth() auth: AuthContext, @Param('id') id: string) {
    return { type: 'list', data: await this.queries.execute(new ListCompanySegmentsQuery(auth.workspaceId, id)) };
  }

  @ApiOperation({ summary: "The company's audit trail: its events, oldest first, as field diffs (this service's own)" })
  @Get(':id/history')
  async history(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: ListContactsRequest) {
    const page = await this.queries.execute(new GetCompanyHistoryQuery(auth.workspaceId, id, params.per_page ?? 50, params.starting_after ?? null));
    const rendered = renderHistory(page);
    return { ...rendered, data: rendered.data.map((item) => ({ ...item, type: 'company_change' })) };
  }
}


/** The company's stream version, the shape's version, and a digest of what other read models add to the answer. */
const companyTag = ({ version, user_count, last_request_at, tags, segments = [] }: Company, apiVersion: ApiVersion) =>
  entityTag(
    version,
    apiVersion,
    tagDigest([user_count, last_request_at, tags.map((tag) => [tag.id, tag.name]), segments.map((segment) => [segment.id, segment.name, segment.updated_at])]),
  );
