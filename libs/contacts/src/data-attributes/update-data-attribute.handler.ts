import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { isNumericId } from '@app/intercom';
import { DataAttributeCatalog, type DataAttributeChanges, DataAttributeNotFoundError } from './data-attribute-catalog.repository.js';
import type { DataAttribute } from './standard-attributes.js';

/** Archive, unarchive or describe a custom data attribute; `id` as sent in the path. */
export class UpdateDataAttributeCommand extends Command<DataAttribute> {
  constructor(
    readonly workspaceId: string,
    readonly id: string,
    readonly changes: DataAttributeChanges,
  ) {
    super();
  }
}

@CommandHandler(UpdateDataAttributeCommand)
export class UpdateDataAttributeHandler implements ICommandHandler<UpdateDataAttributeCommand, DataAttribute> {
  constructor(private readonly attributes: DataAttributeCatalog) {}

  execute({ workspaceId, id, changes }: UpdateDataAttributeCommand): Promise<DataAttribute> {
    if (!isNumericId(id)) throw new DataAttributeNotFoundError();
    return this.attributes.update(workspaceId, Number(id), changes);
  }
}
