import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Company, CompanyCatalog, type CompanyInput } from './company-catalog.repository.js';

/** POST /companies: Intercom's create-or-update by company_id. */
export class SaveCompanyCommand extends Command<Company> {
  constructor(
    readonly workspaceId: string,
    readonly input: CompanyInput,
  ) {
    super();
  }
}

@CommandHandler(SaveCompanyCommand)
export class SaveCompanyHandler implements ICommandHandler<SaveCompanyCommand, Company> {
  constructor(private readonly companies: CompanyCatalog) {}

  execute({ workspaceId, input }: SaveCompanyCommand): Promise<Company> {
    return this.companies.save(workspaceId, input);
  }
}
