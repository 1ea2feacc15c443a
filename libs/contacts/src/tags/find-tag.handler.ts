import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type Tag, TagCatalog, TagNotFoundError } from './tag-catalog.repository.js';

/** GET /tags/{id}: a live tag of the workspace, or 404 Resource Not Found. */
export class FindTagQuery extends Query<Tag> {
  constructor(
    readonly workspaceId: string,
    readonly tagId: string,
  ) {
    super();
  }
}

@QueryHandler(FindTagQuery)
export class FindTagHandler implements IQueryHandler<FindTagQuery, Tag> {
  constructor(private readonly tags: TagCatalog) {}

  async execute({ workspaceId, tagId }: FindTagQuery): Promise<Tag> {
    const tag = await this.tags.find(workspaceId, tagId);
    if (!tag) throw new TagNotFoundError();
    return tag;
  }
}
