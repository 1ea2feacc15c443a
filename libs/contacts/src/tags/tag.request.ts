import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsNotEmpty, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { LIMITS } from '@app/intercom';
import { CompanyTagTarget, MAX_TAGGED_COMPANIES } from '../companies/company.request.js';
import { Optional, toStringId } from '@app/intercom/http';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const NAMED = 'each entry of users needs an id, a user_id or an email';
const named = (entry: TagUserRequest) => entry.user_id === undefined && entry.email === undefined;

/** One contact of POST /tags `users`: by Intercom id, else a user by user_id (external_id), else a user by email. */
export class TagUserRequest {
  @ApiPropertyOptional({ example: '667d60a88a68186f43bafdb8' })
  @Transform(toStringId)
  @ValidateIf((entry) => entry.id !== undefined || named(entry)) @IsString({ message: NAMED }) @IsNotEmpty({ message: NAMED }) @MaxLength(LIMITS.stringChars)
  id?: string;

  @ApiPropertyOptional({ example: '25' })
  @Transform(toStringId)
  @Optional() @IsString({ message: 'user_id must be a string' }) @IsNotEmpty() @MaxLength(LIMITS.stringChars)
  user_id?: string;

  @ApiPropertyOptional({ example: 'joe@example.com' })
  @Optional() @IsString({ message: 'email must be a string' }) @IsNotEmpty() @MaxLength(LIMITS.stringChars)
  email?: string;

  @ApiPropertyOptional({ description: 'true takes the tag off this contact' })
  @Optional() @IsBoolean({ message: 'untag must be true or false' })
  untag?: boolean;
}

/**
 * POST /tags: a name creates the tag or finds it; with an id, the tag of that id is renamed; with `users`, the tag
 * goes on (or, per entry with `untag: true`, comes off) those contacts. Intercom's `companies` form is another
 * branch of the same body (see tags.controller.ts).
 */
export class SaveTagRequest {
  @ApiProperty({ example: 'Independent', maxLength: 190 })
  @Transform(trimmed)
  @IsString({ message: 'name must be a string' }) @IsNotEmpty({ message: 'name must not be empty' }) @MaxLength(190)
  name: string;

  @ApiPropertyOptional({ description: 'The tag to rename', example: '7500001' })
  @Transform(toStringId)
  @Optional() @IsString({ message: 'id must be a tag id' })
  id?: string;

  @ApiPropertyOptional({ type: [TagUserRequest], description: `At most ${LIMITS.tagBulkUsers} contacts` })
  @Optional() @IsArray({ message: 'users must be an array' })
  @ArrayMaxSize(LIMITS.tagBulkUsers, { message: `users can hold at most ${LIMITS.tagBulkUsers} contacts` })
  @ValidateNested({ each: true }) @Type(() => TagUserRequest)
  users?: TagUserRequest[];

  @ApiPropertyOptional({ type: [CompanyTagTarget], maxItems: MAX_TAGGED_COMPANIES, description: 'Tag these companies (untag those with untag: true)' })
  @Optional() @IsArray({ message: 'companies must be a list' }) @ArrayMaxSize(MAX_TAGGED_COMPANIES)
  @ValidateNested({ each: true }) @Type(() => CompanyTagTarget)
  companies?: CompanyTagTarget[];
}

/** POST /contacts/{id}/tags */
export class ContactTagRequest {
  @ApiProperty({ description: 'The id of the tag', example: '7500001' })
  @Transform(toStringId)
  @IsString({ message: 'id must be a tag id' }) @IsNotEmpty({ message: 'id must be a tag id' })
  id: string;
}
