import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { ParameterInvalidError, nowInSeconds } from '@app/intercom';
import { trackEvent } from '../domain/data-event.aggregate.js';
import { normalizeEventName } from '../domain/data-event-metadata.js';
import type { DataEvent } from '../domain/data-event.events.js';
import { type ContactLookup, DataEventRepository } from './data-event.repository.js';
import type { TrackEventRequest } from './data-event.request.js';

/** Intercom's "track": one event of a contact; a duplicate (same name and created_at) records nothing. */
export class TrackEventCommand extends Command<DataEvent[]> {
  constructor(
    readonly workspaceId: string,
    readonly body: TrackEventRequest,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

export class EventContactMissingError extends ParameterInvalidError {
  constructor() {
    super('An event needs one of id, user_id or email to name its contact');
  }
}

@CommandHandler(TrackEventCommand)
export class TrackEventHandler implements ICommandHandler<TrackEventCommand, DataEvent[]> {
  constructor(private readonly events: DataEventRepository) {}

  execute({ workspaceId, body, metadata }: TrackEventCommand): Promise<DataEvent[]> {
    const lookup: ContactLookup | null = body.id ? { by: 'id', value: body.id } : body.user_id ? { by: 'user_id', value: body.user_id } : body.email ? { by: 'email', value: body.email } : null;
    if (!lookup) throw new EventContactMissingError();
    // The clock is read once: the default created_at is part of the de-duplication key the load checks.
    const now = nowInSeconds();
    const input = { event_name: body.event_name, created_at: body.created_at ?? now, metadata: body.metadata ?? undefined };
    const key = { event_name: normalizeEventName(input.event_name), created_at: input.created_at };
    return this.events.write(workspaceId, lookup, key, metadata, (stream) => trackEvent(stream, input, now));
  }
}
