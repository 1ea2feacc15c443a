import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CompanyNotesModule } from '../company-notes/company-notes.module.js';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { AddNoteHandler } from './add-note.handler.js';
import { GetNoteHandler } from './get-note.handler.js';
import { ListNotesHandler } from './list-notes.handler.js';
import { NoteRepository } from './note.repository.js';
import { NotesController } from './notes.controller.js';

/** Notes on contacts: NoteAdded events, read from the contact_notes read model; GET /notes/{id} finds company notes too. */
@Module({
  imports: [CqrsModule, ContactStoreModule, CompanyNotesModule],
  controllers: [NotesController],
  providers: [NoteRepository, AddNoteHandler, ListNotesHandler, GetNoteHandler],
})
export class NotesModule {}
