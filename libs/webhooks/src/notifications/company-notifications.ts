import { type CompanyEvent, type CompanyState, renderCompany } from '@app/contacts';

/** Intercom's company topics (webhook models since 2.7). Tagging a company changes its tags: company.updated. */
export const COMPANY_TOPICS = ['company.created', 'company.updated', 'company.deleted'] as const;

export type CompanyTopic = (typeof COMPANY_TOPICS)[number];

/** What the notifier knows of a company beside its folded state: read when the batch is notified. */
export interface CompanyExtras {
  user_count: number;
  last_request_at: number | null;
  tagName: (id: string) => string | null;
}

/**
 * The notification one company event raises, with the company as this event left it (folded from its
 * stream); user_count and last_request_at are the company's when the notification is made.
 */
export function companyNotificationsOf(event: CompanyEvent, after: CompanyState, extras: CompanyExtras): { topic: CompanyTopic; item: Record<string, unknown> }[] {
  // A note is no change of the company: Intercom documents no topic for it (and NOTIFYING_EVENTS leaves it out).
  if (event.type === 'CompanyNoteAdded') return [];
  if (event.type === 'CompanyDeleted') {
    // Intercom's *.deleted topics carry identifying fields only.
    return [{ topic: 'company.deleted', item: { type: 'company', id: after.id, company_id: after.company_id, deleted: true } }];
  }
  const tags = after.tag_ids.map((id) => ({ id, name: extras.tagName(id) ?? '', applied_at: 0, admin_id: null }));
  const item = renderCompany({ state: after, version: 0, user_count: extras.user_count, last_request_at: extras.last_request_at, tags });
  return [{ topic: event.type === 'CompanyCreated' ? 'company.created' : 'company.updated', item }];
}
