import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';
import { Optional } from '@app/intercom/http';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const PERSON_TYPES = ['user', 'contact'];
const TARGETS = ['contacts', 'companies'];

/** GET /segments */
export class ListSegmentsRequest {
  @ApiPropertyOptional({ description: "Each segment's member count (contacts, or companies for a company segment)" })
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @Optional() @IsBoolean({ message: 'include_count must be true or false' })
  include_count?: boolean;

  @ApiPropertyOptional({ enum: ['company'], description: "Intercom's filter for company segments; without it, every segment" })
  @Optional() @IsIn(['company'], { message: 'type must be company' })
  type?: 'company';
}

/**
 * POST /segment_definitions: a named query over contacts (the search DSL, over users or over leads: `contact`, as
 * Intercom says) or, with target `companies`, over companies (the company filter DSL; no person_type).
 */
export class CreateSegmentRequest {
  @ApiProperty({ example: 'Paying customers', maxLength: 190 })
  @Transform(trimmed)
  @IsString({ message: 'name must be a string' }) @IsNotEmpty({ message: 'name must not be empty' }) @MaxLength(190)
  name: string;

  @ApiPropertyOptional({ enum: PERSON_TYPES, default: 'user' })
  @Optional() @IsIn(PERSON_TYPES, { message: 'person_type must be user or contact' })
  person_type?: 'user' | 'contact';

  @ApiPropertyOptional({ enum: TARGETS, default: 'contacts', description: 'What the query filters; fixed at creation' })
  @Optional() @IsIn(TARGETS, { message: 'target must be contacts or companies' })
  target?: 'contacts' | 'companies';

  @ApiProperty({ description: 'The query of POST /contacts/search, or over company fields', example: { field: 'custom_attributes.plan', operator: '=', value: 'pro' } })
  @IsObject({ message: 'query must be a search query object' })
  query: object;
}

/** PUT /segment_definitions/{id}: what is sent changes, the rest stays. */
export class UpdateSegmentRequest {
  @ApiPropertyOptional({ maxLength: 190 })
  @Transform(trimmed)
  @Optional() @IsString({ message: 'name must be a string' }) @IsNotEmpty({ message: 'name must not be empty' }) @MaxLength(190)
  name?: string;

  @ApiPropertyOptional({ enum: PERSON_TYPES })
  @Optional() @IsIn(PERSON_TYPES, { message: 'person_type must be user or contact' })
  person_type?: 'user' | 'contact';

  @ApiPropertyOptional({ enum: TARGETS, description: "The segment's own: a target cannot change" })
  @Optional() @IsIn(TARGETS, { message: 'target must be contacts or companies' })
  target?: 'contacts' | 'companies';

  @ApiPropertyOptional({ description: 'The query of POST /contacts/search, or over company fields' })
  @Optional() @IsObject({ message: 'query must be a search query object' })
  query?: object;
}
