import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DataAttributeCatalog, type NewDataAttribute } from './data-attribute-catalog.repository.js';
import type { DataAttribute } from './standard-attributes.js';

/** Define a custom attribute that contacts (or companies) may then carry. */
export class CreateDataAttributeCommand extends Command<DataAttribute> {
  constructor(
    readonly workspaceId: string,
    readonly input: NewDataAttribute,
  ) {
    super();
  }
}

@CommandHandler(CreateDataAttributeCommand)
export class CreateDataAttributeHandler implements ICommandHandler<CreateDataAttributeCommand, DataAttribute> {
  constructor(private readonly attributes: DataAttributeCatalog) {}

  execute({ workspaceId, input }: CreateDataAttributeCommand): Promise<DataAttribute> {
    return this.attributes.create(workspaceId, input);
  }
}
