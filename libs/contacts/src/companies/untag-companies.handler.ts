import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EventMetadata, PG_POOL } from '@app/event-store';
import type pg from 'pg';
import { untagCompany } from '../domain/company.aggregate.js';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import { CompanyRepository } from './company.repository.js';

const BATCH = 100;
const CONCURRENCY = 4;
const CARRIERS = `
  SELECT company_id FROM company_tags WHERE workspace_id = $1 AND tag_id = $2 AND company_id > $3 ORDER BY company_id LIMIT $4`;

/**
 * Takes a tag off every company that carries it, each by a CompanyUntagged on its own stream: what
 * DELETE /tags/{id} does for companies. Answers how many companies it untagged.
 */
export class UntagCompaniesCommand extends Command<number> {
  constructor(
    readonly workspaceId: string,
    readonly tagId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** In rounds of BATCH companies read from company_tags' primary key, so memory and each round stay bounded. */
@CommandHandler(UntagCompaniesCommand)
export class UntagCompaniesHandler implements ICommandHandler<UntagCompaniesCommand, number> {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly companies: CompanyRepository,
  ) {}

  async execute({ workspaceId, tagId, metadata }: UntagCompaniesCommand): Promise<number> {
    let after = '';
    let untagged = 0;
    for (;;) {
      const { rows } = await this.pool.query({ name: 'company_tags_carriers', text: CARRIERS, values: [workspaceId, tagId, after, BATCH] });
      if (rows.length === 0) return untagged;
      const ids: string[] = rows.map((row) => row.company_id);
      for (let i = 0; i < ids.length; i += CONCURRENCY) {
        await Promise.all(ids.slice(i, i + CONCURRENCY).map(async (id) => {
          try {
            const write = await this.companies.change(workspaceId, id, metadata, (state, now) => untagCompany(state, tagId, now));
            untagged += write.events.length;
          } catch (error) {
            // Deleted meanwhile: its tags went with it.
            if (!(error instanceof CompanyNotFoundError)) throw error;
          }
        }));
      }
      after = ids[ids.length - 1];
    }
  }
}
