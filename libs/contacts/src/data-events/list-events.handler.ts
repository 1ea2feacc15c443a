import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { StoredEvent } from '@app/event-store';
import { type ContactIdentity, type ContactLookup, DataEventRepository, type SummaryRow } from './data-event.repository.js';

export interface EventPage {
  contact: ContactIdentity;
  events: StoredEvent[];
  /** The stream position the next (older) page starts below; null on the last page. */
  before: number | null;
}

/** A page of a contact's tracked events, newest first (by recording), below `before` (0: the newest). */
export class ListEventsQuery extends Query<EventPage> {
  constructor(
    readonly workspaceId: string,
    readonly lookup: ContactLookup,
    readonly before: number,
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
    const contact = await this.events.contact(workspaceId, lookup);
    const events = await this.events.page(workspaceId, contact.id, before, perPage + 1);
    const page = events.slice(0, perPage);
    return { contact, events: page, before: events.length > perPage ? page[page.length - 1].streamPosition : null };
  }
}

export interface EventSummary {
  contact: ContactIdentity;
  rows: SummaryRow[];
}

/** A contact's summary: per event name, count, first and last (at most EVENT_LIMITS.namesPerContact names). */
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
