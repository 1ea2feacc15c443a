import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CompanyStoreModule } from '../companies/company-store.module.js';
import { AddCompanyNoteHandler } from './add-company-note.handler.js';
import { CompanyNoteRepository } from './company-note.repository.js';
import { CompanyNotesController } from './company-notes.controller.js';
import { CompanyNotesVersionGuard } from './company-notes.guard.js';
import { ListCompanyNotesHandler } from './list-company-notes.handler.js';

/** 2.16's notes on companies: CompanyNoteAdded on the company's stream, read from the company_notes read model. */
@Module({
  // The process's one CompanyRepository: notes go through the same per-company write queue.
  imports: [CqrsModule, CompanyStoreModule],
  controllers: [CompanyNotesController],
  providers: [CompanyNoteRepository, CompanyNotesVersionGuard, AddCompanyNoteHandler, ListCompanyNotesHandler],
  exports: [CompanyNoteRepository],
})
export class CompanyNotesModule {}
