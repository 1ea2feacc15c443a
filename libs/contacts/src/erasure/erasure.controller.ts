import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventMetadata } from '@app/event-store';
import { EventMeta, IdempotentWrites } from '@app/intercom/http';
import { Auth, type AuthContext } from '@app/workspaces';
import { EraseContactCommand } from './erase-contact.handler.js';
import { EraseContactRequest } from './erase-contact.request.js';

/** The service's own route beside Intercom's DELETE: Intercom has no erasure endpoint. */
@ApiTags('Contacts')
@ApiBearerAuth()
@IdempotentWrites()
@Controller('contacts')
export class ErasureController {
  constructor(private readonly commands: CommandBus) {}

  @ApiOperation({ summary: "Erase a contact's personal data (live, archived, deleted or merged); again: the same answer, nothing written" })
  @Post(':id/erase')
  @HttpCode(200)
  erase(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: EraseContactRequest, @EventMeta() meta: EventMetadata) {
    return this.commands.execute(new EraseContactCommand(auth.workspaceId, id, body.admin_id ?? null, meta));
  }
}
