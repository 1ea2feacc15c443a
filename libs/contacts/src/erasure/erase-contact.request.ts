import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsAdminId, Nullable } from '@app/intercom/http';

/** POST /contacts/{id}/erase: an optional body naming the admin who asked, recorded in ContactErased. */
export class EraseContactRequest {
  @ApiPropertyOptional({ example: '123', description: 'The admin who asked for the erasure; recorded in the audit trail' })
  @Nullable()
  @IsAdminId()
  admin_id?: string | number | null;
}
