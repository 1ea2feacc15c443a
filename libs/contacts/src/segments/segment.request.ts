import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';
import { Optional } from '@app/intercom/http';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const PERSON_TYPES = ['user', 'contact'];

/** GET /segments */
export class ListSegmentsRequest {
  @ApiPropertyOptional({ description: "Each segment's member count" })
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @Optional() @IsBoolean({ message: 'include_count must be true or false' })
  include_count?: boolean;
}

/** POST /segment_definitions: a named query of the search DSL, over users or over leads (`contact`, as Intercom says). */
export class CreateSegmentRequest {
  @ApiProperty({ example: 'Paying customers', maxLength: 190 })
  @Transform(trimmed)
  @IsString({ message: 'name must be a string' }) @IsNotEmpty({ message: 'name must not be empty' }) @MaxLength(190)
  name: string;

  @ApiPropertyOptional({ enum: PERSON_TYPES, default: 'user' })
  @Optional() @IsIn(PERSON_TYPES, { message: 'person_type must be user or contact' })
  person_type?: 'user' | 'contact';

  @ApiProperty({ description: 'The query of POST /contacts/search', example: { field: 'custom_attributes.plan', operator: '=', value: 'pro' } })
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

  @ApiPropertyOptional({ description: 'The query of POST /contacts/search' })
  @Optional() @IsObject({ message: 'query must be a search query object' })
  query?: object;
}
