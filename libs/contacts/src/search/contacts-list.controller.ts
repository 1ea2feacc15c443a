import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ApiVersion, renderCursorPages, supports } from '@app/intercom';
import { ReadsOnly, RequestedVersion } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { IncludeMergeHistoryRequest, wantsMergeHistory } from '../contacts/contact.request.js';
import { renderContact } from '../contacts/contact.response.js';
import { CONTACT_LIST_RESPONSE } from '../contacts/contact.schema.js';
import { type EmbeddedMergeHistory, GetEmbeddedMergeHistoryQuery } from '../contacts/embedded-merge-history.handler.js';
import type { ContactView } from '../store/contact.repository.js';
import { ListContactsPageRequest, SearchContactsRequest } from './contacts-list.request.js';
import { ListContactsQuery } from './list-contacts.handler.js';
import { SearchContactsQuery } from './search-contacts.handler.js';
import { DEFAULT_PER_PAGE, type Page } from './search-plan.js';

@ApiTags('Contacts')
@ApiBearerAuth()
@ApiHeader({ name: 'Intercom-Version', required: false, description: '1.0 to 1.4, 2.0 to 2.16 or Unstable; default 2.11' })
@Controller('contacts')
export class ContactsListController {
  constructor(private readonly queries: QueryBus) {}

  @ApiOperation({ summary: 'List contacts (cursor pages)' })
  @RouteSchema(CONTACT_LIST_RESPONSE)
  @Get()
  async list(@Auth() auth: AuthContext, @Query() params: ListContactsPageRequest, @RequestedVersion() version: ApiVersion) {
    const history = wantsMergeHistory(params, version);
    const query = new ListContactsQuery(auth.workspaceId, params.per_page ?? DEFAULT_PER_PAGE, params.starting_after ?? null);
    return this.renderPage(auth, await this.queries.execute(query), version, history);
  }

  @ApiOperation({ summary: 'Search contacts' })
  @RouteSchema(CONTACT_LIST_RESPONSE)
  @Post('search')
  @ReadsOnly()
  @HttpCode(200)
  async search(
    @Auth() auth: AuthContext,
    @Body() body: SearchContactsRequest,
    @Query() params: IncludeMergeHistoryRequest,
    @RequestedVersion() version: ApiVersion,
  ) {
    const history = wantsMergeHistory(params, version);
    const query = new SearchContactsQuery(
      auth.workspaceId,
      body.query,
      body.pagination?.per_page ?? DEFAULT_PER_PAGE,
      body.pagination?.starting_after ?? null,
      supports(version, 'searchSort') ? body.sort : undefined,
      version,
    );
    return this.renderPage(auth, await this.queries.execute(query), version, history);
  }

  /** Intercom's cursor list of contacts; with 2.16's include_merge_history, each user's history in one more read. */
  private async renderPage(auth: AuthContext, page: Page<ContactView>, version: ApiVersion, withHistory: boolean) {
    const states = page.items.map((view) => view.state);
    const history: EmbeddedMergeHistory | undefined = withHistory
      ? await this.queries.execute(new GetEmbeddedMergeHistoryQuery(auth.workspaceId, states))
      : undefined;
    return {
      type: 'list',
      data: states.map((state) => renderContact(state, version, history)),
      total_count: page.total,
      pages: renderCursorPages(page),
    };
  }
}
