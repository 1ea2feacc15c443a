import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CompanyTagTarget, MAX_TAGGED_COMPANIES } from '../companies/company.request.js';
import { Optional, toStringId } from '@app/intercom/http';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** POST /tags: a name creates the tag or finds it; with an id, the tag of that id is renamed. */
export class SaveTagRequest {
  @ApiProperty({ example: 'Independent', maxLength: 190 })
  @Transform(trimmed)
  @IsString({ message: 'name must be a string' }) @IsNotEmpty({ message: 'name must not be empty' }) @MaxLength(190)
  name: string;

  @ApiPropertyOptional({ description: 'The tag to rename', example: '7500001' })
  @Transform(toStringId)
  @Optional() @IsString({ message: 'id must be a tag id' })
  id?: string;

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
