import { Query } from '@nestjs/cqrs';
import type { LogPosition, StoredEvent } from '@app/event-store';

export interface ChangeFeedPage {
  events: StoredEvent[];
  /** Where the next read resumes: after the last event, or where this one started when there was none. */
  next: LogPosition;
}

/** A workspace's events in commit order after a position; with waitMs, held until one arrives. */
export class ChangeFeedQuery extends Query<ChangeFeedPage> {
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
