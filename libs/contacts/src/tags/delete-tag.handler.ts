import { Inject, Optional } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { DEFAULT_REQUEST_BOUNDS, REQUEST_BOUNDS, type RequestBounds } from '../request-bounds.js';
import { type Tag, TagCatalog } from './tag-catalog.repository.js';
import { TagDetacher } from './tag-detacher.js';

/**
 * DELETE /tags/{id}: the tag leaves the catalog at once (GET /tags, GET /tags/{id}, tagging, every company's and
 * contact's tag list), and comes off its companies, then its contacts, as CompanyUntagged and ContactUntagged events:
 * the first RequestBounds.tagDetachInRequest here (TAG_DETACH_IN_REQUEST, 1,000 by default), the rest in the
 * background (tag-detacher.ts), so a tag on a million companies or contacts answers as fast as one on ten.
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
  private readonly budget: number;

  constructor(
    private readonly tags: TagCatalog,
    private readonly detacher: TagDetacher,
    @Optional() @Inject(REQUEST_BOUNDS) bounds: RequestBounds | null = null,
  ) {
    this.budget = (bounds ?? DEFAULT_REQUEST_BOUNDS).tagDetachInRequest;
  }

  async execute({ workspaceId, tagId, metadata }: DeleteTagCommand): Promise<Tag> {
    const tag = await this.tags.remove(workspaceId, tagId, metadata);
    await this.detacher.run(workspaceId, tag.id, this.budget);
    return tag;
  }
}
