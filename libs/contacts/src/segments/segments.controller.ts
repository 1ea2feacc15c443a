import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '@app/workspaces';
import { FindSegmentQuery, ListContactSegmentsQuery, ListSegmentsQuery } from './segment.queries.js';
import { ListSegmentsRequest } from './segment.request.js';
import { renderSegment, renderSegmentList } from './segment.response.js';

/** Intercom's read-only segment endpoints; segments are defined through /segment_definitions or the CLI. */
@ApiTags('Segments')
@ApiBearerAuth()
@Controller()
export class SegmentsController {
  constructor(private readonly queries: QueryBus) {}

  @ApiOperation({ summary: "The workspace's segments (type=company: company segments only); include_count=true adds each one's member count" })
  @Get('segments')
  async list(@Auth() auth: AuthContext, @Query() params: ListSegmentsRequest) {
    const target = params.type === 'company' ? 'companies' : undefined;
    return renderSegmentList(await this.queries.execute(new ListSegmentsQuery(auth.workspaceId, params.include_count === true, target)));
  }

  @ApiOperation({ summary: 'Retrieve a segment' })
  @Get('segments/:id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string) {
    return renderSegment(await this.queries.execute(new FindSegmentQuery(auth.workspaceId, id)));
  }

  @ApiOperation({ summary: "The contact segments whose query the contact matches", tags: ['Contacts'] })
  @Get('contacts/:id/segments')
  async ofContact(@Auth() auth: AuthContext, @Param('id') id: string) {
    const segments = await this.queries.execute(new ListContactSegmentsQuery(auth.workspaceId, id));
    return { type: 'list', data: segments.map((segment) => renderSegment(segment)) };
  }
}
