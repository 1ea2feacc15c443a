import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EventMetadata, PG_POOL } from '@app/event-store';
import { ResourceNotFoundError } from '@app/intercom';
import type pg from 'pg';
import { tagCompany, untagCompany } from '../domain/company.aggregate.js';
import { CompanyNotFoundError, CompanyNotSpecifiedError } from '../domain/company.errors.js';
import { TagCatalog, TagNotFoundError } from '../tags/tag-catalog.repository.js';
import type { CompanyTagTarget } from './company.request.js';
import { CompanyRepository } from './company.repository.js';

export interface TagBasic {
  id: string;
  name: string;
}

/** POST /tags with `companies`: tag them (the tag is made when missing), or untag the items marked `untag: true`. */
export class TagCompaniesCommand extends Command<TagBasic> {
  constructor(
    readonly workspaceId: string,
    readonly name: string,
    readonly companies: CompanyTagTarget[],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

const TAG_BY_NAME = 'SELECT id::text, name FROM tags WHERE workspace_id = $1 AND lower(name) = lower($2) AND deleted_at IS NULL';
const RESOLVE = `
  SELECT w.n, c.id FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS w (id, company_id, n)
    LEFT JOIN companies c ON c.workspace_id = $1 AND (c.id = w.id OR (w.id IS NULL AND c.company_id = w.company_id))
   ORDER BY w.n`;
const CONCURRENCY = 4;

/**
 * Every company is found before anything is written (one unknown company: 404 and nothing changes), then
 * each gets its CompanyTagged or CompanyUntagged on its own stream. A company tagged or untagged already
 * records nothing. Requests carry an access token, not an admin: no admin is recorded as applied_by.
 */
@CommandHandler(TagCompaniesCommand)
export class TagCompaniesHandler implements ICommandHandler<TagCompaniesCommand, TagBasic> {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly companies: CompanyRepository,
    private readonly tags: TagCatalog,
  ) {}

  async execute({ workspaceId, name, companies, metadata }: TagCompaniesCommand): Promise<TagBasic> {
    if (companies.some((c) => !c.id && !c.company_id)) throw new CompanyNotSpecifiedError();
    const { rows } = await this.pool.query(RESOLVE, [workspaceId, companies.map((c) => c.id || null), companies.map((c) => c.company_id ?? null)]);
    if (rows.some((row) => row.id === null)) throw new CompanyNotFoundError();
    const targets = rows.map((row, i) => ({ id: row.id as string, untag: companies[i].untag === true }));
    const tag = targets.some((t) => !t.untag) ? await this.tags.create(workspaceId, name) : await this.existing(workspaceId, name);
    for (let i = 0; i < targets.length; i += CONCURRENCY) {
      await Promise.all(
        targets.slice(i, i + CONCURRENCY).map(({ id, untag }) =>
          this.companies.change(workspaceId, id, metadata, (state, now) => (untag ? untagCompany(state, tag.id, now) : tagCompany(state, tag.id, null, now))),
        ),
      );
    }
    await this.takeBackIfDeleted(workspaceId, targets.filter((t) => !t.untag).map((t) => t.id), tag.id, metadata);
    return tag;
  }

  /**
   * As for contacts (tags/tag-contact.handler.ts): a tagging that read the tag just before DELETE /tags/{id} made it a
   * tombstone may commit after the detaching walk passed its companies; reading the tag again after the commit closes
   * that race, so the tag comes off those companies again and the answer is 404, as if the request came a moment later.
   */
  private async takeBackIfDeleted(workspaceId: string, ids: string[], tagId: string, metadata: EventMetadata): Promise<void> {
    if (ids.length === 0 || !(await this.tags.isGone(workspaceId, tagId))) return;
    for (const id of ids) {
      await this.companies.change(workspaceId, id, metadata, (state, now) => untagCompany(state, tagId, now)).catch((error) => {
        // Deleted meanwhile: its tags went with it.
        if (!(error instanceof CompanyNotFoundError)) throw error;
      });
    }
    throw new TagNotFoundError();
  }

  private async existing(workspaceId: string, name: string): Promise<TagBasic> {
    const { rows } = await this.pool.query(TAG_BY_NAME, [workspaceId, name]);
    if (!rows[0]) throw new ResourceNotFoundError();
    return rows[0];
  }
}
