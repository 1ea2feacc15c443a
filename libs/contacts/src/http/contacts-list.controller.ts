import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { ListContactsQuery } from '../application/list-contacts.query.js';
import { DEFAULT_PER_PAGE, type Page } from '../application/search/search-plan.js';
import { SearchContactsQuery } from '../application/search-contacts.query.js';
import type { ContactView } from '../infrastructure/contact.repository.js';
import { renderContact } from './contact.response.js';
import { renderCursorPages } from './cursor-pages.js';
import { ListContactsRequest, SearchContactsRequest } from './contacts-list.request.js';
import { type ApiVersion, RequestedVersion } from './intercom-version.js';

const SORT_VERSION = 16;

@ApiTags('Contacts')
@ApiBearerAuth()
@ApiHeader({ name: 'Intercom-Version', required: false, description: '2.7 to 2.16; default 2.11' })
@Controller('contacts')
export class ContactsListController {
  constructor(private readonly queries: QueryBus) {}

  @ApiOperation({ summary: 'List contacts (cursor pages)' })
  @Get()
  async list(@Auth() auth: AuthContext, @Query() params: ListContactsRequest, @RequestedVersion() version: ApiVersion) {
    const query = new ListContactsQuery(auth.workspaceId, params.per_page ?? DEFAULT_PER_PAGE, params.starting_after ?? null);
    return renderPage(await this.queries.execute(query), version);
  }

  @ApiOperation({ summary: 'Search contacts' })
  @Post('search')
  @HttpCode(200)
  async search(@Auth() auth: AuthContext, @Body() body: SearchContactsRequest, @RequestedVersion() version: ApiVersion) {
    const query = new SearchContactsQuery(
      auth.workspaceId,
      body.query,
      body.pagination?.per_page ?? DEFAULT_PER_PAGE,
      body.pagination?.starting_after ?? null,
      version >= SORT_VERSION ? body.sort : undefined,
      version,
    );
    return renderPage(await this.queries.execute(query), version);
  }
}

/** Intercom's cursor list of contacts. */
function renderPage(page: Page<ContactView>, version: ApiVersion) {
  return {
    type: 'list',
    data: page.items.map((view) => renderContact(view.state, version)),
    total_count: page.total,
    pages: renderCursorPages(page),
  };
}
