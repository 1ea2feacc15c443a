import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { ParameterInvalidError } from '@app/intercom';
import { EventMeta, IdempotentWrites } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import type { FastifyRequest } from 'fastify';
import type { ContactLookup } from './data-event.repository.js';
import { DEFAULT_EVENTS_PER_PAGE, EventSummariesRequest, ListEventsRequest, TrackEventRequest, summaryList } from './data-event.request.js';
import { renderEventList, renderEventSummary } from './data-event.response.js';
import { GetEventSummaryQuery, ListEventsQuery } from './list-events.handler.js';
import { RecordSummariesCommand } from './record-summaries.handler.js';
import { TrackEventCommand } from './track-event.handler.js';

class EventListContactMissingError extends ParameterInvalidError {
  constructor() {
    super('Listing events needs one of user_id, intercom_user_id or email');
  }
}

@ApiTags('Data Events')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('events')
export class DataEventsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Submit a data event ("track"): 202 with an empty body, a duplicate included' })
  @Post()
  @HttpCode(202)
  async track(@Auth() auth: AuthContext, @Body() body: TrackEventRequest, @EventMeta() meta: EventMetadata): Promise<void> {
    await this.commands.execute(new TrackEventCommand(auth.workspaceId, body, meta));
  }

  @ApiOperation({ summary: "A contact's events newest first (event.list), or with summary=true their summary (event.summary)" })
  @Get()
  async list(@Auth() auth: AuthContext, @Query() params: ListEventsRequest, @Req() request: FastifyRequest) {
    const lookup: ContactLookup | null = params.intercom_user_id
      ? { by: 'id', value: params.intercom_user_id }
      : params.user_id ? { by: 'user_id', value: params.user_id } : params.email ? { by: 'email', value: params.email } : null;
    if (!lookup) throw new EventListContactMissingError();
    if (params.summary === 'true') {
      const { contact, rows } = await this.queries.execute(new GetEventSummaryQuery(auth.workspaceId, lookup));
      return renderEventSummary(contact, rows);
    }
    const perPage = params.per_page ?? DEFAULT_EVENTS_PER_PAGE;
    const page = await this.queries.execute(new ListEventsQuery(auth.workspaceId, lookup, params.before, perPage));
    // Intercom's next is a URL of the same list; it names the contact by its id, which every lookup resolved to.
    const next = page.before === null
      ? null
      : `${request.protocol}://${request.host}/events?type=user&intercom_user_id=${encodeURIComponent(page.contact.id)}&per_page=${perPage}&before=${page.before}`;
    return renderEventList(page.contact, page.events, next);
  }

  @ApiOperation({ summary: "Add counted occurrences to a user's event summaries: 200 with an empty body" })
  @Post('summaries')
  @HttpCode(200)
  async summaries(@Auth() auth: AuthContext, @Body() body: EventSummariesRequest, @EventMeta() meta: EventMetadata): Promise<void> {
    await this.commands.execute(new RecordSummariesCommand(auth.workspaceId, body.user_id, summaryList(body.event_summaries), meta));
  }
}
