import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { ChangeFeedController } from './change-feed.controller.js';
import { ContactHistoryController } from './contact-history.controller.js';
import { GetContactAsOfHandler } from './get-contact-as-of.handler.js';
import { GetContactHistoryHandler } from './get-contact-history.handler.js';
import { LongPollSlots } from './long-poll-slots.js';
import { ReadChangeFeedHandler } from './read-change-feed.handler.js';

/** What the log tells: a contact's audit trail, the contact as of a moment, the workspace's change feed. */
@Module({
  imports: [CqrsModule, ContactStoreModule],
  controllers: [ContactHistoryController, ChangeFeedController],
  providers: [GetContactHistoryHandler, GetContactAsOfHandler, ReadChangeFeedHandler, LongPollSlots],
})
export class HistoryModule {}
