import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { ExpectedVersions } from '@app/intercom';
import { type CompanyPatch, createCompany, updateCompany } from '../domain/company.aggregate.js';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import type { UpdateCompanyRequest } from './company.request.js';
import { PlanCatalog } from './company-plans.repository.js';
import { CompanyRepository } from './company.repository.js';
import { EmbeddedSegments } from './company-segments.js';
import { type Company, CompanyViews } from './company-views.repository.js';

/** POST /companies: Intercom's create-or-update by company_id. */
export class SaveCompanyCommand extends Command<Company> {
  constructor(
    readonly workspaceId: string,
    readonly companyId: string,
    readonly input: UpdateCompanyRequest,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** PUT /companies/{id}: the same fields, by the Intercom id. */
export class UpdateCompanyCommand extends Command<Company> {
  constructor(
    readonly workspaceId: string,
    readonly id: string,
    readonly input: UpdateCompanyRequest,
    readonly metadata: EventMetadata,
    /** If-Match: the versions the change may be decided on; null: any. */
    readonly expected: ExpectedVersions = null,
  ) {
    super();
  }
}

@CommandHandler(SaveCompanyCommand)
export class SaveCompanyHandler implements ICommandHandler<SaveCompanyCommand, Company> {
  constructor(
    private readonly companies: CompanyRepository,
    private readonly views: CompanyViews,
    private readonly plans: PlanCatalog,
    private readonly segments: EmbeddedSegments,
  ) {}

  async execute({ workspaceId, companyId, input, metadata }: SaveCompanyCommand): Promise<Company> {
    const patch = await patchOf(this.plans, workspaceId, input);
    const write = await this.companies.upsert(
      workspaceId,
      companyId,
      metadata,
      (id, now) => createCompany(id, workspaceId, companyId, patch, now),
      (state, now) => updateCompany(state, patch, now),
    );
    return this.segments.of(workspaceId, (await this.views.find(workspaceId, write.state.id))!);
  }
}

@CommandHandler(UpdateCompanyCommand)
export class UpdateCompanyHandler implements ICommandHandler<UpdateCompanyCommand, Company> {
  constructor(
    private readonly companies: CompanyRepository,
    private readonly views: CompanyViews,
    private readonly plans: PlanCatalog,
    private readonly segments: EmbeddedSegments,
  ) {}

  async execute({ workspaceId, id, input, metadata, expected }: UpdateCompanyCommand): Promise<Company> {
    // A missing company is 404 before its plan name is given an id.
    if (!(await this.views.find(workspaceId, id))) throw new CompanyNotFoundError();
    const patch = await patchOf(this.plans, workspaceId, input);
    await this.companies.change(workspaceId, id, metadata, (state, now) => updateCompany(state, patch, now), expected);
    const company = await this.views.find(workspaceId, id);
    if (!company) throw new CompanyNotFoundError();
    return this.segments.of(workspaceId, company);
  }
}

/** The request's fields as the aggregate takes them: a plan name with its id, whole numbers of monthly spend. */
async function patchOf(plans: PlanCatalog, workspaceId: string, input: UpdateCompanyRequest): Promise<CompanyPatch> {
  const patch: CompanyPatch = { ...input };
  // Intercom stores whole numbers of monthly spend: 155.98 becomes 155.
  if (typeof patch.monthly_spend === 'number') patch.monthly_spend = Math.trunc(patch.monthly_spend);
  if (patch.plan !== undefined) patch.plan_id = patch.plan === null ? null : await plans.idOf(workspaceId, patch.plan);
  return patch;
}
