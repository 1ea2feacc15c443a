import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PostgresEventStore, type StoredEvent } from '@app/event-store';
import { type ContactState, evolve } from '../domain/contact.aggregate.js';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import type { ContactEvent } from '../domain/contact.events.js';
import { CursorInvalidError } from './search/search.errors.js';
import { type ContactChange, ContactAsOfQuery, ContactHistoryQuery, type HistoryPage } from './contact-history.query.js';

const asContactEvent = (event: StoredEvent) => ({ type: event.type, data: event.data }) as ContactEvent;

/** The fields whose change the history reports; updated_at moves with every event and says nothing. */
function diff(before: ContactState | null, after: ContactState): ContactChange['changes'] {
  const changes: ContactChange['changes'] = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === 'updated_at' || key === 'custom_attributes') continue;
    const from = (before as Record<string, unknown> | null)?.[key] ?? null;
    const to = (after as unknown as Record<string, unknown>)[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  const names = new Set([...Object.keys(before?.custom_attributes ?? {}), ...Object.keys(after.custom_attributes)]);
  for (const name of names) {
    const from = before?.custom_attributes[name] ?? null;
    const to = after.custom_attributes[name] ?? null;
    if (from !== to) changes[`custom_attributes.${name}`] = { from, to };
  }
  return changes;
}

const encodeCursor = (version: number) => Buffer.from(`v${version}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^v(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw new CursorInvalidError();
  return Number(match[1]);
}

@QueryHandler(ContactHistoryQuery)
export class ContactHistoryHandler implements IQueryHandler<ContactHistoryQuery, HistoryPage> {
  constructor(private readonly store: PostgresEventStore) {}

  async execute({ workspaceId, contactId, perPage, startingAfter }: ContactHistoryQuery): Promise<HistoryPage> {
    const events = await this.store.readStream(workspaceId, contactId);
    if (events.length === 0) throw new ContactNotFoundError();
    let state: ContactState | null = null;
    const all: ContactChange[] = events.map((event) => {
      const before: ContactState | null = state;
      state = evolve(state, asContactEvent(event));
      return {
        id: event.eventId,
        version: event.streamPosition,
        event_type: event.type,
        occurred_at: (event.data.occurred_at as number | undefined) ?? Math.floor(event.recordedAt.getTime() / 1000),
        actor: event.metadata.actor ?? null,
        request_id: event.metadata.request_id ?? null,
        changes: diff(before, state),
      };
    });
    const offset = startingAfter === null ? 0 : decodeCursor(startingAfter);
    const items = all.slice(offset, offset + perPage);
    const hasMore = offset + perPage < all.length;
    return {
      items,
      total: all.length,
      page: Math.floor(offset / perPage) + 1,
      perPage,
      totalPages: Math.max(1, Math.ceil(all.length / perPage)),
      next: hasMore ? encodeCursor(offset + perPage) : null,
    };
  }
}

@QueryHandler(ContactAsOfQuery)
export class ContactAsOfHandler implements IQueryHandler<ContactAsOfQuery, ContactState> {
  constructor(private readonly store: PostgresEventStore) {}

  async execute({ workspaceId, contactId, asOf }: ContactAsOfQuery): Promise<ContactState> {
    const events = await this.store.readStream(workspaceId, contactId);
    const then = events.map(asContactEvent).filter((event) => event.data.occurred_at <= asOf);
    if (then.length === 0) throw new ContactNotFoundError();
    const state = then.reduce<ContactState | null>(evolve, null)!;
    if (state.deleted || state.merged_into) throw new ContactNotFoundError();
    return state;
  }
}
