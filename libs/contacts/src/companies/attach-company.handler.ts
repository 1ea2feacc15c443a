import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { attachCompany } from '../domain/contact-relations.aggregate.js';
import { ContactRepository } from '../store/contact.repository.js';
import { CompanyNotFoundError, CompanyNotSpecifiedError } from '../domain/company.errors.js';
import { EmbeddedSegments } from './company-segments.js';
import { type Company, CompanyViews } from './company-views.repository.js';

/** Attach a company to a contact; an attached one records nothing. `companyId` is whatever the client sent. */
export class AttachCompanyCommand extends Command<Company> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly companyId: string | null | undefined,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(AttachCompanyCommand)
export class AttachCompanyHandler implements ICommandHandler<AttachCompanyCommand, Company> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly companies: CompanyViews,
    private readonly segments: EmbeddedSegments,
  ) {}

  async execute({ workspaceId, contactId, companyId, metadata }: AttachCompanyCommand): Promise<Company> {
    if (!companyId) throw new CompanyNotSpecifiedError();
    const company = await this.companies.find(workspaceId, companyId);
    await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => {
      if (!company) throw new CompanyNotFoundError();
      return attachCompany(contact, company.state.id, context);
    });
    // Read again: user_count counts this contact now.
    const after = await this.companies.find(workspaceId, companyId);
    if (!after) throw new CompanyNotFoundError();
    return this.segments.of(workspaceId, after);
  }
}
