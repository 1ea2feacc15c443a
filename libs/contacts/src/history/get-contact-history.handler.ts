import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { PostgresEventStore } from '@app/event-store';
import { CursorInvalidError } from '@app/intercom';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import type { ContactState } from '../domain/contact.state.js';
import { ContactSnapshots } from '../store/contact-snapshots.repository.js';

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
    const offset = startingAfter === null ? 0 : decodeCursor(startingAfter);
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
          changes: diff(before, after),
        });
      }
    }
    return {
      items,
      total,
      page: Math.floor(offset / perPage) + 1,
      perPage,
      totalPages: Math.max(1, Math.ceil(total / perPage)),
      next: offset + perPage < total ? encodeCursor(offset + perPage) : null,
    };
  }
}

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
