import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { ListContactsRequest } from '../search/contacts-list.request.js';
import { renderHistory } from './contact-history.response.js';
import { GetContactHistoryQuery } from './get-contact-history.handler.js';

@ApiTags('Contacts')
@ApiBearerAuth()
@Controller('contacts/:id/history')
export class ContactHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @ApiOperation({ summary: "The contact's audit trail: its events, oldest first, as field diffs" })
  @Get()
  async history(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: ListContactsRequest) {
    return renderHistory(await this.queries.execute(new GetContactHistoryQuery(auth.workspaceId, id, params.per_page ?? 50, params.starting_after ?? null)));
  }
}
