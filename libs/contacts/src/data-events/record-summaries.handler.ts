import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { nowInSeconds } from '@app/intercom';
import { recordSummaries } from '../domain/data-event.aggregate.js';
import type { DataEvent } from '../domain/data-event.events.js';
import { DataEventRepository } from './data-event.repository.js';
import type { SummaryRequestItem } from './data-event.request.js';

/** POST /events/summaries: counts kept elsewhere, added to a user's summaries (one event per name). */
export class RecordSummariesCommand extends Command<DataEvent[]> {
  constructor(
    readonly workspaceId: string,
    readonly userId: string,
    readonly summaries: SummaryRequestItem[],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(RecordSummariesCommand)
export class RecordSummariesHandler implements ICommandHandler<RecordSummariesCommand, DataEvent[]> {
  constructor(private readonly events: DataEventRepository) {}

  execute({ workspaceId, userId, summaries, metadata }: RecordSummariesCommand): Promise<DataEvent[]> {
    const now = nowInSeconds();
    const input = summaries.map(({ event_name, count, first, last }) => ({ event_name, count, first: first ?? last ?? now, last: last ?? first ?? now }));
    return this.events.write(workspaceId, { by: 'user_id', value: userId }, null, metadata, (stream) => recordSummaries(stream, input, now));
  }
}
