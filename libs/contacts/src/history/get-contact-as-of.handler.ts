import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import type { ContactState } from '../domain/contact.state.js';
import { ContactSnapshots } from '../store/contact-snapshots.repository.js';

/** The contact as it was at a moment, folded from its events. */
export class GetContactAsOfQuery extends Query<ContactState> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    /** Unix seconds. */
    readonly asOf: number,
  ) {
    super();
  }
}

/**
 * The contact after the last event, in stream order, that occurred at or before the moment: the latest
 * snapshot that occurred by then, folded on until the first event after it, so at most SNAPSHOT_EVERY
 * events are read. Stream order is the order of truth; occurred_at follows it (one clock decides them).
 */
@QueryHandler(GetContactAsOfQuery)
export class GetContactAsOfHandler implements IQueryHandler<GetContactAsOfQuery, ContactState> {
  constructor(private readonly snapshots: ContactSnapshots) {}

  async execute({ workspaceId, contactId, asOf }: GetContactAsOfQuery): Promise<ContactState> {
    const from = await this.snapshots.occurredBy(workspaceId, contactId, asOf);
    let state = from.state;
    for await (const { event, after } of this.snapshots.replay(workspaceId, contactId, from)) {
      if ((event.data.occurred_at as number) > asOf) break;
      state = after;
    }
    if (!state || state.deleted || state.merged_into || state.erased) throw new ContactNotFoundError();
    return state;
  }
}
