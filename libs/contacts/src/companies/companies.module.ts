import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { AttachCompanyHandler } from './attach-company.handler.js';
import { CompaniesController } from './companies.controller.js';
import { CompanyCatalog } from './company-catalog.repository.js';
import { ContactCompaniesController } from './contact-companies.controller.js';
import { DetachCompanyHandler } from './detach-company.handler.js';
import { GetCompanyHandler } from './get-company.handler.js';
import { ListContactCompaniesHandler } from './list-contact-companies.handler.js';
import { SaveCompanyHandler } from './save-company.handler.js';

/** The workspace's company catalog, and companies on contacts (CompanyAttached/CompanyDetached events). */
@Module({
  imports: [CqrsModule, ContactStoreModule],
  controllers: [CompaniesController, ContactCompaniesController],
  providers: [CompanyCatalog, SaveCompanyHandler, GetCompanyHandler, AttachCompanyHandler, DetachCompanyHandler, ListContactCompaniesHandler],
})
export class CompaniesModule {}
