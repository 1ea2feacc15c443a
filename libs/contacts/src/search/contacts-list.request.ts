import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsInt, IsObject, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Nullable, Optional } from '@app/intercom/http';
import { MAX_PER_PAGE } from './search-plan.js';

const perPageMessage = { message: `per_page must be an integer between 1 and ${MAX_PER_PAGE}` };

/** GET /contacts query parameters. */
export class ListContactsRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: 50 })
  @Optional() @Type(() => Number) @IsInt(perPageMessage) @Min(1, perPageMessage) @Max(MAX_PER_PAGE, perPageMessage)
  per_page?: number;

  @ApiPropertyOptional({ description: 'pages.next.starting_after of the previous page' })
  @Optional() @IsString()
  starting_after?: string;

  // Intercom documents `page`, and the SDK may send it; pages follow starting_after, so it is accepted and ignored.
  @ApiPropertyOptional({ description: 'Accepted and ignored' })
  @Allow()
  page?: unknown;
}

/** GET /contacts: the page, and 2.16's include_merge_history (checked on 2.16 only, by wantsMergeHistory). */
export class ListContactsPageRequest extends ListContactsRequest {
  @ApiPropertyOptional({ type: 'boolean', default: false, description: "2.16: embed each user's merge_history (its 25 newest merges)" })
  @Allow()
  include_merge_history?: unknown;
}

export class SearchPaginationRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: 50 })
  @Nullable() @IsInt(perPageMessage) @Min(1, perPageMessage) @Max(MAX_PER_PAGE, perPageMessage)
  per_page?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString()
  starting_after?: string | null;
}

/** POST /contacts/search. The query's grammar is checked by the search compiler, which knows the field types. */
export class SearchContactsRequest {
  @ApiProperty({ type: 'object', additionalProperties: true, example: { field: 'email', operator: '~', value: 'example.com' } })
  @IsObject({ message: 'query must be a filter object' })
  query: Record<string, unknown>;

  @ApiPropertyOptional({ type: SearchPaginationRequest, nullable: true })
  @Nullable() @ValidateNested() @Type(() => SearchPaginationRequest)
  pagination?: SearchPaginationRequest | null;

  // Checked only on 2.16, the one version that has it: older versions ignore it.
  @ApiPropertyOptional({ description: '2.16 only: {field, order: ascending|descending}', example: { field: 'created_at', order: 'ascending' } })
  @Allow()
  sort?: unknown;
}
