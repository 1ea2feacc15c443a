import { Query } from '@nestjs/cqrs';
import type { ContactView } from '../infrastructure/contact.repository.js';

export class GetContactQuery extends Query<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
  ) {
    super();
  }
}
