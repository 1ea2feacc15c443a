import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PG_POOL, PostgresEventStore, positionOf, readSafeBatch } from '@app/event-store';
import type pg from 'pg';
import { type ChangeFeedPage, ChangeFeedQuery } from './change-feed.query.js';

const POLL_MS = 200;

@QueryHandler(ChangeFeedQuery)
export class ChangeFeedHandler implements IQueryHandler<ChangeFeedQuery, ChangeFeedPage> {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  // Reads only below the safe horizon (see readSafeBatch), so a cursor never passes an event still being committed.
  async execute({ workspaceId, after, limit, waitMs, signal }: ChangeFeedQuery): Promise<ChangeFeedPage> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const events = await readSafeBatch(this.pool, this.store, { after, limit, workspaceId });
      if (events.length > 0) return { events, next: positionOf(events[events.length - 1]) };
      if (Date.now() + POLL_MS > deadline || signal?.aborted) return { events, next: after };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
