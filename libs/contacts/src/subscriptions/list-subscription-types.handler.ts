import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type SubscriptionType, SubscriptionTypeCatalog } from './subscription-type-catalog.repository.js';

export class ListSubscriptionTypesQuery extends Query<SubscriptionType[]> {
  constructor(readonly workspaceId: string) {
    super();
  }
}

@QueryHandler(ListSubscriptionTypesQuery)
export class ListSubscriptionTypesHandler implements IQueryHandler<ListSubscriptionTypesQuery, SubscriptionType[]> {
  constructor(private readonly types: SubscriptionTypeCatalog) {}

  execute({ workspaceId }: ListSubscriptionTypesQuery): Promise<SubscriptionType[]> {
    return this.types.list(workspaceId);
  }
}
