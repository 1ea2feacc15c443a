import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { type ApiVersion, supports } from '@app/intercom';
import { EventMeta, IdempotentWrites, RequestedVersion } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { renderCompanyNote } from '../company-notes/company-notes.response.js';
import { AddNoteCommand } from './add-note.handler.js';
import { GetNoteQuery } from './get-note.handler.js';
import { ListNotesQuery } from './list-notes.handler.js';
import { decodeNoteCursor } from './note-cursor.js';
import { CreateNoteRequest, ListNotesRequest } from './notes.request.js';
import { renderNote, renderNoteList } from './notes.response.js';

const DEFAULT_PER_PAGE = 50;

@ApiTags('Notes')
@ApiBearerAuth()
@IdempotentWrites()
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

  @ApiOperation({ summary: "A contact's notes, newest first, by page number or by pages.next.starting_after" })
  @Get('contacts/:id/notes')
  async list(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: ListNotesRequest) {
    const perPage = params.per_page ?? DEFAULT_PER_PAGE;
    // starting_after (pages.next of the page before) wins over page: it stays in place while notes are added.
    const cursor = params.starting_after === undefined ? null : decodeNoteCursor(params.starting_after);
    const page = cursor?.page ?? params.page ?? 1;
    const start = cursor ? { before: cursor.before } : { offset: (page - 1) * perPage };
    return renderNoteList(await this.queries.execute(new ListNotesQuery(auth.workspaceId, id, start, perPage)), page, perPage);
  }

  @ApiOperation({ summary: "Retrieve a note: a contact's, or (2.16) a company's in the shape POST /companies/{id}/notes answers" })
  @Get('notes/:id')
  async find(@Auth() auth: AuthContext, @Param('id') id: string, @RequestedVersion() version: ApiVersion) {
    const found = await this.queries.execute(new GetNoteQuery(auth.workspaceId, id, supports(version, 'companyNotes')));
    return 'contact' in found ? renderNote(found.contact) : renderCompanyNote(found.company);
  }
}
