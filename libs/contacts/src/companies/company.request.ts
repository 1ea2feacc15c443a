import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import type { CustomValue } from '../domain/contact.events.js';
import { LIMITS } from '@app/intercom';
import { IsFlatAttributes, MAX_TIME, Nullable, Optional, toStringId } from '@app/intercom/http';

const MAX_INT32 = 2_147_483_647;

/** PUT /companies/{id}: Intercom's update_company_request (company_id cannot change: it is not read). */
export class UpdateCompanyRequest {
  @ApiPropertyOptional({ nullable: true, example: 'Intercom' })
  @Nullable() @IsString() @MaxLength(LIMITS.stringChars)
  name?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'The name of the plan', example: 'Enterprise' })
  @Nullable() @IsString() @MaxLength(LIMITS.stringChars)
  plan?: string | null;

  @ApiPropertyOptional({ nullable: true, description: 'The number of employees' })
  @Nullable() @IsInt() @Min(0) @Max(MAX_INT32)
  size?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString() @MaxLength(LIMITS.urlChars)
  website?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString() @MaxLength(LIMITS.stringChars)
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

/** POST /companies: Intercom's create_or_update_company_request. */
export class SaveCompanyRequest extends UpdateCompanyRequest {
  @ApiProperty({ description: 'Your own id for the company; it finds the company to update', example: '625e90fc55ab113b6d92175f' })
  @Transform(toStringId)
  @IsString({ message: 'company_id must be a string' }) @IsNotEmpty({ message: 'company_id must not be empty' }) @MaxLength(LIMITS.stringChars)
  company_id: string;
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

/** Intercom caps page-numbered lists of companies at 10,000: past it a page is empty (use scroll, or starting_after). */
export const MAX_LISTED = 10_000;

const listPerPageMessage = { message: 'per_page must be an integer between 1 and 150' };

/** Paging of the company lists: page numbers as the SDK sends them, or the starting_after of pages.next. */
export class CompanyPagingRequest {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @Optional() @Type(() => Number) @IsInt({ message: 'page must be a positive integer' }) @Min(1, { message: 'page must be a positive integer' })
  @Max(MAX_LISTED, { message: `page must be at most ${MAX_LISTED}` })
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 150, default: 15 })
  @Optional() @Type(() => Number) @IsInt(listPerPageMessage) @Min(1, listPerPageMessage) @Max(150, listPerPageMessage)
  per_page?: number;

  @ApiPropertyOptional({ description: 'pages.next.starting_after of the previous page' })
  @Optional() @IsString() @MaxLength(200)
  starting_after?: string;
}

/** POST /companies/list (query parameters). */
export class CompanyListRequest extends CompanyPagingRequest {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'By creation time' })
  @Optional() @IsIn(['asc', 'desc'], { message: "order must be 'asc' or 'desc'" })
  order?: 'asc' | 'desc';
}

/** GET /companies: one company by company_id or name, or a list (all, or by tag_id or segment_id). */
export class RetrieveCompaniesRequest extends CompanyListRequest {
  @ApiPropertyOptional({ description: 'Your id of the company: answers that company' })
  @Optional() @IsString() @MaxLength(LIMITS.stringChars)
  company_id?: string;

  @ApiPropertyOptional({ description: 'The name of the company: answers the oldest company of that name' })
  @Optional() @IsString() @MaxLength(LIMITS.stringChars)
  name?: string;

  @ApiPropertyOptional({ description: 'Lists the companies carrying this tag' })
  @Optional() @IsString() @MaxLength(32)
  tag_id?: string;

  @ApiPropertyOptional({ description: 'Lists the companies of this segment' })
  @Optional() @IsString() @MaxLength(64)
  segment_id?: string;
}

/** GET /companies/scroll */
export class ScrollCompaniesRequest {
  @ApiPropertyOptional({ description: 'scroll_param of the previous answer; absent: from the start' })
  @Optional() @IsString() @MaxLength(200)
  scroll_param?: string;
}

/** GET /companies/{id}/contacts */
export class CompanyContactsRequest extends CompanyPagingRequest {}

/** Companies one POST /tags may tag or untag: each is a write of its own. */
export const MAX_TAGGED_COMPANIES = 100;

/** An item of POST /tags' `companies`: Intercom's id or your company_id; `untag: true` takes the tag off. */
export class CompanyTagTarget {
  @ApiPropertyOptional({ description: 'The Intercom id of the company' })
  @Transform(toStringId)
  @Optional() @IsString({ message: 'companies: id must be a string' }) @MaxLength(64)
  id?: string;

  @ApiPropertyOptional({ description: 'Your id of the company' })
  @Transform(toStringId)
  @Optional() @IsString({ message: 'companies: company_id must be a string' }) @MaxLength(LIMITS.stringChars)
  company_id?: string;

  @ApiPropertyOptional({ description: 'true: take the tag off this company' })
  @Optional() @IsBoolean({ message: 'companies: untag must be a boolean' })
  untag?: boolean;
}
