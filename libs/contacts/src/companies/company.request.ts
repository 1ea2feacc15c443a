import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import type { CustomValue } from '../domain/contact.events.js';
import { IsFlatAttributes, MAX_TIME, Nullable, Optional, toStringId } from '@app/intercom/http';

const MAX_INT32 = 2_147_483_647;

/** POST /companies: Intercom's create_or_update_company_request. */
export class SaveCompanyRequest {
  @ApiProperty({ description: 'Your own id for the company; it finds the company to update', example: '625e90fc55ab113b6d92175f' })
  @Transform(toStringId)
  @IsString({ message: 'company_id must be a string' }) @IsNotEmpty({ message: 'company_id must not be empty' }) @MaxLength(255)
  company_id: string;

  @ApiPropertyOptional({ nullable: true, example: 'Intercom' })
  @Nullable() @IsString() @MaxLength(255)
  name?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'The name of the plan', example: 'Enterprise' })
  @Nullable() @IsString() @MaxLength(255)
  plan?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'The number of employees' })
  @Nullable() @IsInt() @Min(0) @Max(MAX_INT32)
  size?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString() @MaxLength(2048)
  website?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString() @MaxLength(255)
  industry?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'Whole numbers: floats are truncated' })
  @Nullable() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_INT32)
  monthly_spend?: number | null;

  @ApiPropertyOptional({ description: 'Unix seconds; defaults to the creation time' })
  @Optional() @IsInt() @Min(0) @Max(MAX_TIME)
  remote_created_at?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Merged per key; a null value removes the key' })
  @Optional() @IsFlatAttributes()
  custom_attributes?: Record<string, CustomValue | null>;
}

/** POST /contacts/{id}/companies. A missing id is Intercom's own 400 (parameter_not_found), not a validation error. */
export class ContactCompanyRequest {
  @ApiProperty({ description: 'The Intercom id of the company', example: '58a430d35458202d41b1e65b' })
  @Transform(toStringId)
  @Nullable() @IsString({ message: 'id must be a company id' })
  id?: string | null;
}

const perPageMessage = { message: 'per_page must be an integer between 1 and 150' };

/** GET /contacts/{id}/companies */
export class ContactCompaniesRequest {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @Optional() @Type(() => Number) @IsInt({ message: 'page must be a positive integer' }) @Min(1, { message: 'page must be a positive integer' })
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 150, default: 50 })
  @Optional() @Type(() => Number) @IsInt(perPageMessage) @Min(1, perPageMessage) @Max(150, perPageMessage)
  per_page?: number;
}
