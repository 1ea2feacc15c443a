import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EventMetadata, PG_POOL } from '@app/event-store';
import type pg from 'pg';
import type { ExpectedVersions } from '@app/intercom';
import { deleteCompany } from '../domain/company.aggregate.js';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import { detachCompany } from '../domain/contact-relations.aggregate.js';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactRepository } from '../store/contact.repository.js';
import { CompanyRepository } from './company.repository.js';

/** Contacts read and detached per round, and detached at once: a company's contacts are detached in rounds of this many. */
export const DETACH_BATCH = 100;
const DETACH_CONCURRENCY = 4;

const HOLDERS = `
  SELECT contact_id FROM company_contacts WHERE workspace_id = $1 AND company_id = $2 AND contact_id > $3
   ORDER BY contact_id LIMIT $4`;

/** DELETE /companies/{id}: the company's CompanyDeleted, then a CompanyDetached on each contact that held it. */
export class DeleteCompanyCommand extends Command<{ id: string; detached: number }> {
  constructor(
    readonly workspaceId: string,
    readonly id: string,
    readonly metadata: EventMetadata,
    /** If-Match: the versions the company may be deleted at; null: any. */
    readonly expected: ExpectedVersions = null,
  ) {
    super();
  }
}

/**
 * Once CompanyDeleted is recorded the company is gone from every read and nothing can attach it again;
 * its contacts are then detached in rounds of DETACH_BATCH (company_contacts in key order, one contact
 * write each), so memory and each round stay bounded however many contacts held it. A delete that is
 * cut short (a crash, a lost connection) leaves contacts holding it: the same DELETE again finishes
 * the detaching, then answers 404 as for any unknown company.
 */
@CommandHandler(DeleteCompanyCommand)
export class DeleteCompanyHandler implements ICommandHandler<DeleteCompanyCommand, { id: string; detached: number }> {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly companies: CompanyRepository,
    private readonly contacts: ContactRepository,
  ) {}

  async execute({ workspaceId, id, metadata, expected }: DeleteCompanyCommand): Promise<{ id: string; detached: number }> {
    try {
      await this.companies.change(workspaceId, id, metadata, deleteCompany, expected);
    } catch (error) {
      if (error instanceof CompanyNotFoundError) await this.detachAll(workspaceId, id, metadata);
      throw error;
    }
    return { id, detached: await this.detachAll(workspaceId, id, metadata) };
  }

  private async detachAll(workspaceId: string, companyId: string, metadata: EventMetadata): Promise<number> {
    let after = '';
    let detached = 0;
    for (;;) {
      const { rows } = await this.pool.query({ name: 'company_contacts_holders', text: HOLDERS, values: [workspaceId, companyId, after, DETACH_BATCH] });
      if (rows.length === 0) return detached;
      const ids: string[] = rows.map((row) => row.contact_id);
      for (let i = 0; i < ids.length; i += DETACH_CONCURRENCY) {
        await Promise.all(ids.slice(i, i + DETACH_CONCURRENCY).map(async (contactId) => {
          try {
            const write = await this.contacts.change(workspaceId, contactId, metadata, (contact, context) => detachCompany(contact, companyId, context));
            detached += write.events.length;
          } catch (error) {
            // Deleted or merged away meanwhile: its row, and so its hold on the company, is gone already.
            if (!(error instanceof ContactNotFoundError)) throw error;
          }
        }));
      }
      after = ids[ids.length - 1];
    }
  }
}
