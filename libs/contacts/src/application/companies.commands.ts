import { Command, Query } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { Company } from './companies.service.js';

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

export interface ContactCompaniesPage {
  companies: Company[];
  total: number;
  page: number;
  perPage: number;
}

/** One page of a contact's companies, in the order they were attached. */
export class ListContactCompaniesQuery extends Query<ContactCompaniesPage> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly page: number,
    readonly perPage: number,
  ) {
    super();
  }
}
