import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { Allow, IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';
import { type ApiVersion, ParameterInvalidError, supports } from '@app/intercom';
import type { ContactPatch } from '../domain/contact.aggregate.js';
import type { CustomValue, Role } from '../domain/contact.events.js';
import { IsFlatAttributes, MAX_TIME, Nullable, Optional, toIntegerId } from '@app/intercom/http';


/** The body of PUT /contacts/{id} and POST /contacts: every field optional, nullable where Intercom allows null. */
export class ContactRequest {
  @ApiPropertyOptional({ enum: ['user', 'lead'] })
  @Optional() @IsIn(['user', 'lead'])
  role?: Role;

  @ApiPropertyOptional()
  @Optional() @IsString() @MaxLength(255)
  external_id?: string;

  @ApiPropertyOptional({ example: 'joebloggs@intercom.io' })
  @Optional() @IsString() @IsEmail({ require_tld: false }, { message: 'email must be a valid email address' }) @MaxLength(255)
  email?: string;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString() @MaxLength(255)
  phone?: string | null;

  @ApiPropertyOptional({ nullable: true, example: 'joe bloggs' })
  @Nullable() @IsString() @MaxLength(255)
  name?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString() @MaxLength(2048)
  avatar?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsInt() @Min(0) @Max(MAX_TIME)
  signed_up_at?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsInt() @Min(0) @Max(MAX_TIME)
  last_seen_at?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'An admin id (a string in 2.16)' })
  @Transform(toIntegerId)
  @Nullable() @IsInt({ message: 'owner_id must be an admin id' }) @Min(1) @Max(Number.MAX_SAFE_INTEGER, { message: 'owner_id must be an admin id' })
  owner_id?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsBoolean()
  unsubscribed_from_emails?: boolean | null;

  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true })
  @Nullable() @IsFlatAttributes()
  custom_attributes?: Record<string, CustomValue | null> | null;

  // Checked only on 2.16 and later, the versions that have it (contactPatch): older ones ignore it, as any unknown field.
  @ApiPropertyOptional({ nullable: true, type: 'boolean', description: '2.16: whether you verified that the contact owns the email sent with it' })
  @Allow()
  email_verified?: unknown;
}

/** What a create or update body asks for at this version. */
export function contactPatch(body: ContactRequest, version: ApiVersion): ContactPatch {
  const { email_verified, ...fields } = body;
  if (email_verified === undefined || !supports(version, 'emailVerified')) return fields;
  if (email_verified !== null && typeof email_verified !== 'boolean') throw new ParameterInvalidError('email_verified must be a boolean', 'email_verified');
  return { ...fields, email_verified };
}

/** 2.16's `include_merge_history` query parameter, where the spec defines it (every read of contacts but create). */
export class IncludeMergeHistoryRequest {
  // Checked only on 2.16 and later (wantsMergeHistory): older versions ignore it.
  @ApiPropertyOptional({ type: 'boolean', default: false, description: "2.16: embed a user's merge_history (its 25 newest merges)" })
  @Allow()
  include_merge_history?: unknown;
}

export function wantsMergeHistory({ include_merge_history: asked }: IncludeMergeHistoryRequest, version: ApiVersion): boolean {
  if (asked === undefined || !supports(version, 'embeddedMergeHistory')) return false;
  if (asked === 'true' || asked === true) return true;
  if (asked === 'false' || asked === false) return false;
  throw new ParameterInvalidError('include_merge_history must be true or false', 'include_merge_history');
}

export class MergeContactsRequest {
  @ApiProperty({ description: 'The lead to merge away' })
  @IsString() @IsNotEmpty()
  from: string;

  @ApiProperty({ description: 'The user that survives' })
  @IsString() @IsNotEmpty()
  into: string;

  @ApiPropertyOptional({ description: '2.16: merge even when the contacts share no email or phone' })
  @Optional() @IsBoolean()
  skip_duplicate_validation?: boolean;
}

export class AsOfRequest extends IncludeMergeHistoryRequest {
  @ApiPropertyOptional({ description: 'Unix seconds: answer the contact as it was then' })
  @Optional() @Type(() => Number) @IsInt({ message: 'as_of must be a Unix timestamp in seconds' }) @Min(0) @Max(MAX_TIME)
  as_of?: number;
}

export class MergeHistoryRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 150, default: 50 })
  @Optional() @Type(() => Number) @IsInt() @Min(1) @Max(150)
  per_page?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @Optional() @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @Optional() @IsString()
  cursor?: string;
}
