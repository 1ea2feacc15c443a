import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { detachCompany } from '../domain/contact-relations.aggregate.js';
import { ContactRepository } from '../store/contact.repository.js';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import { EmbeddedSegments } from './company-segments.js';
import { type Company, CompanyViews } from './company-views.repository.js';

/** Detach a company from a contact; one that is not attached records nothing. */
export class DetachCompanyCommand extends Command<Company> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly companyId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(DetachCompanyCommand)
export class DetachCompanyHandler implements ICommandHandler<DetachCompanyCommand, Company> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly companies: CompanyViews,
    private readonly segments: EmbeddedSegments,
  ) {}

  async execute({ workspaceId, contactId, companyId, metadata }: DetachCompanyCommand): Promise<Company> {
    const company = await this.companies.find(workspaceId, companyId);
    await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => {
      if (!company) throw new CompanyNotFoundError();
      return detachCompany(contact, company.state.id, context);
    });
    const after = await this.companies.find(workspaceId, companyId);
    if (!after) throw new CompanyNotFoundError();
    return this.segments.of(workspaceId, after);
  }
}
