import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PG_POOL, PostgresEventStore } from '@app/event-store';
import type pg from 'pg';
import { ContactSnapshots } from '../store/contact-snapshots.repository.js';
import { ContactRepository } from '../store/contact.repository.js';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { DecisionContexts } from '../store/decision-context.js';
import { ContactEraser, type ErasureStatement } from './contact-eraser.js';
import { EraseContactHandler } from './erase-contact.handler.js';
import { ErasureController } from './erasure.controller.js';

/**
 * POST /contacts/{id}/erase. `statements`: the erasure's statements over tables of other libraries (the webhook
 * deliveries'), which this library cannot import: the app names them (libs/runtime's CONTACT_ERASURE_STATEMENTS).
 */
@Module({})
export class ContactErasureModule {
  static forRoot(statements: readonly ErasureStatement[]): DynamicModule {
    return {
      module: ContactErasureModule,
      imports: [CqrsModule, ContactStoreModule],
      controllers: [ErasureController],
      providers: [
        {
          provide: ContactEraser,
          useFactory: (pool: pg.Pool, store: PostgresEventStore, contacts: ContactRepository, snapshots: ContactSnapshots, contexts: DecisionContexts) =>
            new ContactEraser(pool, store, contacts, snapshots, contexts, statements),
          inject: [PG_POOL, PostgresEventStore, ContactRepository, ContactSnapshots, DecisionContexts],
        },
        EraseContactHandler,
      ],
    };
  }
}
