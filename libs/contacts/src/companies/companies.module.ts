import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { SegmentsModule } from '../segments/segments.module.js';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { TagCatalog } from '../tags/tag-catalog.repository.js';
import { AttachCompanyHandler } from './attach-company.handler.js';
import { CompaniesController } from './companies.controller.js';
import { PlanCatalog } from './company-plans.repository.js';
import { EmbeddedSegments, ListCompanySegmentsHandler } from './company-segments.js';
import { CompanyStoreModule } from './company-store.module.js';
import { CompanyViews } from './company-views.repository.js';
import { ContactCompaniesController } from './contact-companies.controller.js';
import { DeleteCompanyHandler } from './delete-company.handler.js';
import { DetachCompanyHandler } from './detach-company.handler.js';
import { FindCompanyHandler, GetCompanyHandler } from './get-company.handler.js';
import { GetCompanyHistoryHandler } from './get-company-history.handler.js';
import { ListCompaniesHandler, ScrollCompaniesHandler } from './list-companies.handler.js';
import { ListCompanyContactsHandler } from './list-company-contacts.handler.js';
import { ListContactCompaniesHandler } from './list-contact-companies.handler.js';
import { SaveCompanyHandler, UpdateCompanyHandler } from './save-company.handler.js';
import { TagCompaniesHandler } from './tag-companies.handler.js';

/**
 * Companies as streams of their own (company.events.ts), their read models, and companies on contacts
 * (CompanyAttached/CompanyDetached on the contact's stream). TagCompaniesHandler serves POST /tags' `companies`.
 */
@Module({
  // SegmentsModule binds COMPANY_SEGMENTS (company segments: segments/company-segment-reader.ts).
  imports: [CqrsModule, ContactStoreModule, CompanyStoreModule, SegmentsModule],
  controllers: [CompaniesController, ContactCompaniesController],
  providers: [
    CompanyViews,
    PlanCatalog,
    TagCatalog,
    SaveCompanyHandler,
    UpdateCompanyHandler,
    DeleteCompanyHandler,
    TagCompaniesHandler,
    GetCompanyHandler,
    FindCompanyHandler,
    ListCompaniesHandler,
    ScrollCompaniesHandler,
    ListCompanyContactsHandler,
    ListCompanySegmentsHandler,
    EmbeddedSegments,
    GetCompanyHistoryHandler,
    AttachCompanyHandler,
    DetachCompanyHandler,
    ListContactCompaniesHandler,
  ],
})
export class CompaniesModule {}
