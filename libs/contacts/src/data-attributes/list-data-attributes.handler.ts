import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataAttributeCatalog, DataAttributeInvalidError } from './data-attribute-catalog.repository.js';
import type { DataAttribute } from './standard-attributes.js';

/** Intercom's standard attributes, then the workspace's custom ones; `model` as sent in the query. */
export class ListDataAttributesQuery extends Query<DataAttribute[]> {
  constructor(
    readonly workspaceId: string,
    readonly model: string | undefined,
    readonly includeArchived: boolean,
  ) {
    super();
  }
}

@QueryHandler(ListDataAttributesQuery)
export class ListDataAttributesHandler implements IQueryHandler<ListDataAttributesQuery, DataAttribute[]> {
  constructor(private readonly attributes: DataAttributeCatalog) {}

  execute({ workspaceId, model, includeArchived }: ListDataAttributesQuery): Promise<DataAttribute[]> {
    if (model !== undefined && model !== 'contact' && model !== 'company') {
      throw new DataAttributeInvalidError('The Data Attribute model field must be either contact or company');
    }
    return this.attributes.list(workspaceId, model, includeArchived);
  }
}
