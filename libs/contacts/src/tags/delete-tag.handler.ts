import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { UntagCompaniesCommand } from '../companies/untag-companies.handler.js';
import { type Tag, TagCatalog } from './tag-catalog.repository.js';
import { TagDetacher } from './tag-detacher.js';

/** The contacts a DELETE /tags/{id} detaches before it answers; the worker detaches the rest. */
export const DETACH_IN_REQUEST = 1000;

/**
 * DELETE /tags/{id}: the tag leaves the catalog at once (GET /tags, GET /tags/{id}, tagging, every contact's tag
 * list), and comes off its contacts as ContactUntagged events: the first DETACH_IN_REQUEST here, the rest in the
 * background (tag-detacher.ts), so a tag on a million contacts answers as fast as one on ten. Its companies lose it
 * first, as CompanyUntagged events (100 a round, read from company_tags by key).
 */
export class DeleteTagCommand extends Command<Tag> {
  constructor(
    readonly workspaceId: string,
    readonly tagId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(DeleteTagCommand)
export class DeleteTagHandler implements ICommandHandler<DeleteTagCommand, Tag> {
  constructor(
    private readonly tags: TagCatalog,
    private readonly detacher: TagDetacher,
    private readonly commands: CommandBus,
  ) {}

  async execute({ workspaceId, tagId, metadata }: DeleteTagCommand): Promise<Tag> {
    await this.commands.execute(new UntagCompaniesCommand(workspaceId, tagId, metadata));
    const tag = await this.tags.remove(workspaceId, tagId, metadata);
    await this.detacher.run(workspaceId, tag.id, DETACH_IN_REQUEST);
    return tag;
  }
}
