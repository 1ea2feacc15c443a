import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import { createPool, type DatabaseOptions, migrate } from './database.js';
import { PostgresEventStore } from './postgres-event-store.js';

export const PG_POOL = Symbol('PG_POOL');

@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Runs pending migrations, then provides the pool and the event store to every module. */
  static forRoot(options: DatabaseOptions & { maxEventBytes?: number }): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: PG_POOL,
          useFactory: async () => {
            await migrate(options);
            return createPool(options);
          },
        },
        { provide: PostgresEventStore, useFactory: (pool: pg.Pool) => new PostgresEventStore(pool, undefined, options.maxEventBytes), inject: [PG_POOL] },
      ],
      exports: [PG_POOL, PostgresEventStore],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // The pool may already be closed by whoever ended the app first.
    if (!this.pool.ended) await this.pool.end();
  }
}
