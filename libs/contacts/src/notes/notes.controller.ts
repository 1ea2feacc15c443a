import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { EventMeta } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { AddNoteCommand } from './add-note.handler.js';
import { GetNoteQuery } from './get-note.handler.js';
import { ListNotesQuery } from './list-notes.handler.js';
import { CreateNoteRequest, ListNotesRequest } from './notes.request.js';
import { renderNote, renderNoteList } from './notes.response.js';

const DEFAULT_PER_PAGE = 50;

@ApiTags('Notes')
@ApiBearerAuth()
@Controller()
export class NotesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Add a note to a contact' })
  @Post('contacts/:id/notes')
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: CreateNoteRequest, @EventMeta() meta: EventMetadata) {
    return renderNote(await this.commands.execute(new AddNoteCommand(auth.workspaceId, id, body.body, body.admin_id ?? null, meta)));
  }

  @ApiOperation({ summary: "A contact's notes, newest first" })
  @Get('contacts/:id/notes')
  async list(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: ListNotesRequest) {
    const page = params.page ?? 1;
    const perPage = params.per_page ?? DEFAULT_PER_PAGE;
    return renderNoteList(await this.queries.execute(new ListNotesQuery(auth.workspaceId, id, page, perPage)), page, perPage);
  }

  @ApiOperation({ summary: 'Retrieve a note' })
  @Get('notes/:id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string) {
    return renderNote(await this.queries.execute(new GetNoteQuery(auth.workspaceId, id)));
  }
}
