import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { StoredEvent } from '@app/event-store';
import { nowInSeconds } from '@app/intercom';
import { type ContactIdentity, type ContactLookup, DataEventRepository, type SummaryRow } from './data-event.repository.js';
import { type EventListCursor, decodeEventListCursor, encodeEventListCursor } from './event-list-cursor.js';

export interface EventPage {
  contact: ContactIdentity;
  events: StoredEvent[];
  /** The cursor the next (older) page starts below; null on the last page. */
  before: string | null;
}

/**
 * Intercom: "you can only 'list' events that are less than 90 days old" (by created_at); the summaries still count
 * the older ones. The cutoff is also where each contact's index range of a page ends.
 */
export const LISTED_EVENT_DAYS = 90;

/**
 * A page of a contact's tracked events of the last LISTED_EVENT_DAYS, with those of the leads merged into it, newest
 * first by created_at, below `before` (a cursor of a previous page; absent: the newest).
 */
export class ListEventsQuery extends Query<EventPage> {
  constructor(
    readonly workspaceId: string,
    readonly lookup: ContactLookup,
    readonly before: string | undefined,
    readonly perPage: number,
  ) {
    super();
  }
}

@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery, EventPage> {
  constructor(private readonly events: DataEventRepository) {}

  // One more than asked tells whether an older page exists.
  async execute({ workspaceId, lookup, before, perPage }: ListEventsQuery): Promise<EventPage> {
    const cursor: EventListCursor | null = before === undefined ? null : decodeEventListCursor(before);
    const contact = await this.events.contact(workspaceId, lookup);
    const since = nowInSeconds() - LISTED_EVENT_DAYS * 86_400;
    const listed = await this.events.page(workspaceId, contact.id, cursor, since, perPage + 1);
    const page = listed.slice(0, perPage);
    return { contact, events: page.map((e) => e.event), before: listed.length > perPage ? encodeEventListCursor(page[page.length - 1].cursor) : null };
  }
}

export interface EventSummary {
  contact: ContactIdentity;
  rows: SummaryRow[];
}

/** A contact's summary: per event name, count, first and last, of all its events however old (Intercom's rule). */
export class GetEventSummaryQuery extends Query<EventSummary> {
  constructor(
    readonly workspaceId: string,
    readonly lookup: ContactLookup,
  ) {
    super();
  }
}

@QueryHandler(GetEventSummaryQuery)
export class GetEventSummaryHandler implements IQueryHandler<GetEventSummaryQuery, EventSummary> {
  constructor(private readonly events: DataEventRepository) {}

  async execute({ workspaceId, lookup }: GetEventSummaryQuery): Promise<EventSummary> {
    const contact = await this.events.contact(workspaceId, lookup);
    return { contact, rows: await this.events.summaries(workspaceId, contact.id) };
  }
}
