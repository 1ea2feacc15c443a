import { Query } from '@nestjs/cqrs';
import type { ContactState } from '../domain/contact.aggregate.js';

export interface ContactChange {
  id: string;
  version: number;
  event_type: string;
  occurred_at: number;
  actor: unknown;
  request_id: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export interface HistoryPage {
  items: ContactChange[];
  total: number;
  page: number;
  perPage: number;
  totalPages: number;
  /** The cursor of the next page; null on the last one. */
  next: string | null;
}

/** The audit trail of one contact: its events, oldest first, each as a field diff. */
export class ContactHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly perPage: number,
    readonly startingAfter: string | null,
  ) {
    super();
  }
}

/** The contact as it was at a moment, folded from its events. */
export class ContactAsOfQuery extends Query<ContactState> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    /** Unix seconds. */
    readonly asOf: number,
  ) {
    super();
  }
}
