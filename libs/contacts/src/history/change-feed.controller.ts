import { Controller, Get, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { LOG_START, decodeLogCursor, encodeLogCursor } from '@app/event-store';
import { Auth, type AuthContext } from '@app/workspaces';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { CursorInvalidError } from '@app/intercom';
import { Optional } from '@app/intercom/http';
import { isCompanyEvent } from '../domain/company.events.js';
import { contactIdOfStream } from '../domain/data-event.events.js';
import { ReadChangeFeedQuery } from './read-change-feed.handler.js';

export class ChangeFeedRequest {
  @ApiPropertyOptional({ description: 'next_cursor of the previous answer; absent: from the beginning' })
  @Optional() @IsString()
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 30, default: 0, description: 'seconds to hold the request until an event arrives' })
  @Optional() @Type(() => Number) @IsInt() @Min(0) @Max(30)
  wait?: number;
}

@ApiTags('Changes')
@ApiBearerAuth()
@Controller('changes')
export class ChangeFeedController {
  constructor(private readonly queries: QueryBus) {}

  @ApiOperation({ summary: "The workspace's change feed in commit order, for consumers that do not use NATS" })
  @Get()
  async feed(@Auth() auth: AuthContext, @Query() params: ChangeFeedRequest, @Req() request: FastifyRequest) {
    const after = params.after === undefined ? LOG_START : decodeLogCursor(params.after);
    if (!after) throw new CursorInvalidError('after');
    const gone = new AbortController();
    request.raw.once('close', () => gone.abort());
    const page = await this.queries.execute(new ReadChangeFeedQuery(auth.workspaceId, after, params.limit ?? 100, (params.wait ?? 0) * 1000, gone.signal));
    return {
      type: 'list',
      data: page.events.map((event) => ({
        id: event.eventId,
        event_type: event.type,
        // As on NATS: a contact's event (its data events too) names the contact, a company's the company.
        ...(isCompanyEvent(event.type) ? { company_id: event.streamId } : { contact_id: contactIdOfStream(event.streamId) }),
        version: event.streamPosition,
        occurred_at: (event.data.occurred_at as number | undefined) ?? Math.floor(event.recordedAt.getTime() / 1000),
        data: event.data,
      })),
      next_cursor: encodeLogCursor(page.next),
    };
  }
}
