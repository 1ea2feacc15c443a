import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { PostgresEventStore } from '@app/event-store';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactSnapshots } from '../store/contact-snapshots.repository.js';
import { type ContactChange, type HistoryPage, decodeHistoryCursor, diffStates, historyPage } from './history-page.js';


/** The audit trail of one contact: its events, oldest first, each as a field diff. */
export class GetContactHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly perPage: number,
    readonly startingAfter: string | null,
  ) {
    super();
  }
}

/**
 * A page is a range of stream positions (the cursor is the last position shown), so it reads the
 * nearest snapshot at or before the page's start and at most SNAPSHOT_EVERY + per_page events.
 */
@QueryHandler(GetContactHistoryQuery)
export class GetContactHistoryHandler implements IQueryHandler<GetContactHistoryQuery, HistoryPage> {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly snapshots: ContactSnapshots,
  ) {}

  async execute({ workspaceId, contactId, perPage, startingAfter }: GetContactHistoryQuery): Promise<HistoryPage> {
    const offset = startingAfter === null ? 0 : decodeHistoryCursor(startingAfter);
    // The version bounds the page too: events appended after it belong to a later read.
    const total = await this.store.streamVersion(workspaceId, contactId);
    if (total === 0) throw new ContactNotFoundError();
    const last = Math.min(total, offset + perPage);
    const items: ContactChange[] = [];
    if (offset < last) {
      const from = await this.snapshots.atOrBefore(workspaceId, contactId, offset);
      for await (const { event, before, after } of this.snapshots.replay(workspaceId, contactId, from, last)) {
        if (event.streamPosition <= offset) continue;
        items.push({
          id: event.eventId,
          version: event.streamPosition,
          event_type: event.type,
          occurred_at: (event.data.occurred_at as number | undefined) ?? Math.floor(event.recordedAt.getTime() / 1000),
          actor: event.metadata.actor ?? null,
          request_id: event.metadata.request_id ?? null,
          changes: diffStates(before, after),
        });
      }
    }
    return historyPage(items, total, offset, perPage);
  }
}
