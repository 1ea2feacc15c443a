import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { PostgresEventStore } from '@app/event-store';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { toContactEvent } from '../domain/contact.events.js';
import { type ContactState, evolve } from '../domain/contact.state.js';

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

@QueryHandler(GetContactAsOfQuery)
export class GetContactAsOfHandler implements IQueryHandler<GetContactAsOfQuery, ContactState> {
  constructor(private readonly store: PostgresEventStore) {}

  async execute({ workspaceId, contactId, asOf }: GetContactAsOfQuery): Promise<ContactState> {
    const events = await this.store.readStream(workspaceId, contactId);
    const then = events.map(toContactEvent).filter((event) => event.data.occurred_at <= asOf);
    if (then.length === 0) throw new ContactNotFoundError();
    const state = then.reduce<ContactState | null>(evolve, null)!;
    if (state.deleted || state.merged_into) throw new ContactNotFoundError();
    return state;
  }
}
