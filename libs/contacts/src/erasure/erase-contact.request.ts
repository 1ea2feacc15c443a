import { ApiPropertyOptional } from '@nestjs/swagger';
import { ValidateBy } from 'class-validator';
import { Nullable } from '@app/intercom/http';

/** POST /contacts/{id}/erase: an optional body naming the admin who asked, recorded in ContactErased. */
export class EraseContactRequest {
  @ApiPropertyOptional({ example: '123', description: 'The admin who asked for the erasure; recorded in the audit trail' })
  @Nullable()
  @ValidateBy({
    name: 'adminId',
    validator: { validate: (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) },
  }, { message: 'admin_id must be an admin id' })
  admin_id?: string | number | null;
}
