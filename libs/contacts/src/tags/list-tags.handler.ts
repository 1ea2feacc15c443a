import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type Tag, TagCatalog } from './tag-catalog.repository.js';

export class ListTagsQuery extends Query<Tag[]> {
  constructor(readonly workspaceId: string) {
    super();
  }
}

@QueryHandler(ListTagsQuery)
export class ListTagsHandler implements IQueryHandler<ListTagsQuery, Tag[]> {
  constructor(private readonly tags: TagCatalog) {}

  execute({ workspaceId }: ListTagsQuery): Promise<Tag[]> {
    return this.tags.list(workspaceId);
  }
}
