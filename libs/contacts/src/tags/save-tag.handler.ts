import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type Tag, TagCatalog } from './tag-catalog.repository.js';

/** POST /tags: create a tag or find it by name (any case); with an id, rename that tag. */
export class SaveTagCommand extends Command<Tag> {
  constructor(
    readonly workspaceId: string,
    readonly name: string,
    readonly id?: string,
  ) {
    super();
  }
}

@CommandHandler(SaveTagCommand)
export class SaveTagHandler implements ICommandHandler<SaveTagCommand, Tag> {
  constructor(private readonly tags: TagCatalog) {}

  execute({ workspaceId, name, id }: SaveTagCommand): Promise<Tag> {
    return id === undefined ? this.tags.create(workspaceId, name) : this.tags.rename(workspaceId, id, name);
  }
}
