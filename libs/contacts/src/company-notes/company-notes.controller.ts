import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { EventMeta, IdempotentWrites } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { CreateNoteRequest, ListNotesRequest } from '../notes/notes.request.js';
import { AddCompanyNoteCommand } from './add-company-note.handler.js';
import { decodeNoteCursor } from '../notes/note-cursor.js';
import { CompanyNotesVersionGuard } from './company-notes.guard.js';
import { renderCompanyNote, renderCompanyNoteList } from './company-notes.response.js';
import { ListCompanyNotesQuery } from './list-company-notes.handler.js';

const DEFAULT_PER_PAGE = 50;

/** 2.16's company notes (listCompanyNotes, createCompanyNote). */
@ApiTags('Notes')
@ApiBearerAuth()
@UseGuards(CompanyNotesVersionGuard)
@IdempotentWrites()
@Controller('companies/:id/notes')
export class CompanyNotesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiOperation({ summary: 'Add a note to a company (2.16)' })
  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: CreateNoteRequest, @EventMeta() meta: EventMetadata) {
    return renderCompanyNote(await this.commands.execute(new AddCompanyNoteCommand(auth.workspaceId, id, body.body, body.admin_id ?? null, meta)));
  }

  @ApiOperation({ summary: "A company's notes, newest first, by page number or by pages.next.starting_after (2.16)" })
  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string, @Query() params: ListNotesRequest) {
    const perPage = params.per_page ?? DEFAULT_PER_PAGE;
    // starting_after (pages.next of the page before) wins over page: it stays in place while notes are added.
    const cursor = params.starting_after === undefined ? null : decodeNoteCursor(params.starting_after, 'company-notes');
    const page = cursor?.page ?? params.page ?? 1;
    const start = cursor ? { upto: cursor.before } : { offset: (page - 1) * perPage };
    return renderCompanyNoteList(await this.queries.execute(new ListCompanyNotesQuery(auth.workspaceId, id, start, perPage)), page, perPage);
  }
}
