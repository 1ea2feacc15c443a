import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { nowInSeconds } from '@app/intercom';
import { ErasingAdminNotFoundError } from '../domain/contact.errors.js';
import { parseAdminId } from '../notes/note-html.js';
import { ContactEraser, type ErasedContact } from './contact-eraser.js';

/** Erase one contact's personal data. `adminId` as sent (a string or a number), or null. */
export class EraseContactCommand extends Command<ErasedContact> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly adminId: string | number | null,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(EraseContactCommand)
export class EraseContactHandler implements ICommandHandler<EraseContactCommand, ErasedContact> {
  constructor(@Inject(ContactEraser) private readonly eraser: ContactEraser) {}

  execute({ workspaceId, contactId, adminId, metadata }: EraseContactCommand): Promise<ErasedContact> {
    const admin = adminId === null ? null : parseAdminId(adminId);
    if (adminId !== null && admin === null) throw new ErasingAdminNotFoundError();
    return this.eraser.erase(workspaceId, contactId, admin, metadata, nowInSeconds());
  }
}
