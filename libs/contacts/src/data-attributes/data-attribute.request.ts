import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Nullable, Optional } from '@app/intercom/http';
import type { DataType } from '../domain/contact.state.js';

export class DataAttributeOption {
  @IsString() @MinLength(1) @MaxLength(255)
  value: string;
}

export class CreateDataAttributeRequest {
  @ApiProperty({ example: 'plan' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString() @MinLength(1) @MaxLength(190)
  @Matches(/^[\p{L}\p{N}\p{Sc}_\- ]+$/u, {
    message: 'Your name for this attribute must only contain alphanumeric characters, currency symbols, and hyphens',
  })
  name: string;

  @ApiProperty({ enum: ['contact', 'company'] })
  @IsIn(['contact', 'company'], { message: 'The Data Attribute model field must be either contact or company' })
  model: 'contact' | 'company';

  @ApiProperty({ enum: ['string', 'integer', 'float', 'boolean', 'datetime', 'date'] })
  @IsIn(['string', 'integer', 'float', 'boolean', 'datetime', 'date'], { message: "Data Type isn't an option" })
  data_type: DataType;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString() @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ type: [DataAttributeOption] })
  @Optional() @IsArray({ message: "Options isn't an array" }) @ArrayMinSize(2, { message: 'You must have at least two options on a list type data attribute' })
  @ValidateNested({ each: true }) @Type(() => DataAttributeOption)
  options?: DataAttributeOption[];

  @ApiPropertyOptional()
  @Optional() @IsBoolean()
  messenger_writable?: boolean;
}

export class UpdateDataAttributeRequest {
  @ApiPropertyOptional()
  @Optional() @IsBoolean()
  archived?: boolean;

  @ApiPropertyOptional({ nullable: true })
  @Nullable() @IsString() @MaxLength(1000)
  description?: string | null;

  @ApiPropertyOptional({ type: [DataAttributeOption] })
  @Optional() @IsArray({ message: "Options isn't an array" }) @ValidateNested({ each: true }) @Type(() => DataAttributeOption)
  options?: DataAttributeOption[];

  @ApiPropertyOptional()
  @Optional() @IsBoolean()
  messenger_writable?: boolean;
}
