import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactRepository } from '../infrastructure/contact.repository.js';
import { AttachCompanyCommand, type ContactCompaniesPage, DetachCompanyCommand, ListContactCompaniesQuery } from './companies.commands.js';
import { CompaniesService, type Company, CompanyNotFoundError, CompanyNotSpecifiedError } from './companies.service.js';
import { ContactWriter } from './contact-writer.js';

@CommandHandler(AttachCompanyCommand)
export class AttachCompanyHandler implements ICommandHandler<AttachCompanyCommand, Company> {
  constructor(
    private readonly writer: ContactWriter,
    private readonly companies: CompaniesService,
  ) {}

  async execute({ workspaceId, contactId, companyId, metadata }: AttachCompanyCommand): Promise<Company> {
    if (!companyId) throw new CompanyNotSpecifiedError();
    const company = await this.companies.find(workspaceId, companyId);
    await this.writer.write(workspaceId, contactId, metadata, {}, ({ contact }, { now }) => {
      if (!contact) throw new ContactNotFoundError();
      if (!company) throw new CompanyNotFoundError();
      contact.attachCompany(company.id, now);
      return contact;
    });
    // Read again: user_count counts this contact now.
    return (await this.companies.find(workspaceId, companyId))!;
  }
}

@CommandHandler(DetachCompanyCommand)
export class DetachCompanyHandler implements ICommandHandler<DetachCompanyCommand, Company> {
  constructor(
    private readonly writer: ContactWriter,
    private readonly companies: CompaniesService,
  ) {}

  async execute({ workspaceId, contactId, companyId, metadata }: DetachCompanyCommand): Promise<Company> {
    const company = await this.companies.find(workspaceId, companyId);
    await this.writer.write(workspaceId, contactId, metadata, {}, ({ contact }, { now }) => {
      if (!contact) throw new ContactNotFoundError();
      if (!company) throw new CompanyNotFoundError();
      contact.detachCompany(company.id, now);
      return contact;
    });
    return (await this.companies.find(workspaceId, companyId))!;
  }
}

@QueryHandler(ListContactCompaniesQuery)
export class ListContactCompaniesHandler implements IQueryHandler<ListContactCompaniesQuery, ContactCompaniesPage> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly companies: CompaniesService,
  ) {}

  async execute({ workspaceId, contactId, page, perPage }: ListContactCompaniesQuery): Promise<ContactCompaniesPage> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (!view) throw new ContactNotFoundError();
    const ids = view.state.company_ids;
    const companies = await this.companies.findMany(workspaceId, ids.slice((page - 1) * perPage, page * perPage));
    return { companies, total: ids.length, page, perPage };
  }
}
