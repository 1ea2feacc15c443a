import { Query } from '@nestjs/cqrs';
import type { ContactView } from '../infrastructure/contact.repository.js';

export class GetContactQuery extends Query<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    /** 2.16: a merged-away contact is a 410 pointing at where it lives on, not a 404. */
    readonly reportMerges = false,
  ) {
    super();
  }
}

/** A user by its external_id (leads are not found this way). */
export class FindContactByExternalIdQuery extends Query<ContactView> {
  constructor(
    readonly workspaceId: string,
    readonly externalId: string,
  ) {
    super();
  }
}

export interface MergeHistoryItem {
  source_contact_id: string;
  merged_at: number;
}

/** 2.16: the leads merged into a user. */
export class ContactMergeHistoryQuery extends Query<MergeHistoryItem[]> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
  ) {
    super();
  }
}
