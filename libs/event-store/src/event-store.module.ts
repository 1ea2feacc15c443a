import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate, poolOf, type DatabaseOptions } from './database.js';
import { PostgresEventStore } from './postgres-event-store.js';

export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const PG_POOL = Symbol('PG_POOL');

@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Connects, runs pending migrations, and provides the pool and the event store to every module. */
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: DATA_SOURCE,
          useFactory: async () => {
            const dataSource = await createDataSource(options).initialize();
            await migrate(dataSource);
            return dataSource;
          },
        },
        { provide: PG_POOL, useFactory: (ds: DataSource) => poolOf(ds), inject: [DATA_SOURCE] },
        { provide: PostgresEventStore, useFactory: (pool: pg.Pool) => new PostgresEventStore(pool), inject: [PG_POOL] },
      ],
      exports: [DATA_SOURCE, PG_POOL, PostgresEventStore],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
