import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type LogPosition, PG_POOL, PostgresEventStore, type StoredEvent, positionOf, readSafeBatch, sleepUnlessAborted } from '@app/event-store';
import type pg from 'pg';
import { LongPollSlots } from './long-poll-slots.js';

const POLL_MS = 200;
/** A page of the feed holds at most this much event data (the first event always comes, however large). */
export const CHANGE_FEED_MAX_BYTES = 4 * 1024 * 1024;

export interface ChangeFeedPage {
  events: StoredEvent[];
  /** Where the next read resumes: after the last event, or where this one started when there was none. */
  next: LogPosition;
}

/** A workspace's events in commit order after a position; with waitMs, held until one arrives. */
export class ReadChangeFeedQuery extends Query<ChangeFeedPage> {
  constructor(
    readonly workspaceId: string,
    readonly after: LogPosition,
    readonly limit: number,
    readonly waitMs: number,
    readonly signal?: AbortSignal,
  ) {
    super();
  }
}

@QueryHandler(ReadChangeFeedQuery)
export class ReadChangeFeedHandler implements IQueryHandler<ReadChangeFeedQuery, ChangeFeedPage> {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly slots: LongPollSlots,
  ) {}

  // Reads only below the safe horizon (see readSafeBatch), so a cursor never passes an event still being committed.
  // The cap is on waiting, not reading: a first read that finds events answers them even over the cap.
  async execute({ workspaceId, after, limit, waitMs, signal }: ReadChangeFeedQuery): Promise<ChangeFeedPage> {
    const deadline = Date.now() + waitMs;
    let release: (() => void) | undefined;
    try {
      for (;;) {
        const events = await readSafeBatch(this.pool, this.store, { after, limit, workspaceId, maxBytes: CHANGE_FEED_MAX_BYTES });
        if (events.length > 0) return { events, next: positionOf(events[events.length - 1]) };
        if (Date.now() + POLL_MS > deadline || signal?.aborted) return { events, next: after };
        release ??= this.slots.acquire(workspaceId);
        await sleepUnlessAborted(POLL_MS, signal);
      }
    } finally {
      release?.();
    }
  }
}
