import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { DataEventRepository } from './data-event.repository.js';
import { DataEventsController } from './data-events.controller.js';
import { GetEventSummaryHandler, ListEventsHandler } from './list-events.handler.js';
import { RecordSummariesHandler } from './record-summaries.handler.js';
import { TrackEventHandler } from './track-event.handler.js';

/** Data events: a stream per contact, summaries and de-duplication keys projected in the append statement. */
@Module({
  imports: [CqrsModule, ContactStoreModule],
  controllers: [DataEventsController],
  providers: [DataEventRepository, TrackEventHandler, RecordSummariesHandler, ListEventsHandler, GetEventSummaryHandler],
})
export class DataEventsModule {}
