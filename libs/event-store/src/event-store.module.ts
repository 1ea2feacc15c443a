import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type pg from 'pg';
import { createPool, type DatabaseOptions, migrate } from './database.js';
import type { EventCodec } from './event.js';
import { DEFAULT_IDEMPOTENCY_TIMES, IdempotencyKeys } from './idempotency/idempotency-keys.js';
import { PostgresEventStore } from './postgres-event-store.js';

export const PG_POOL = Symbol('PG_POOL');
/** Connections for reads a request can make expensive (list and search): their own, shorter statement timeout. */
export const SEARCH_POOL = Symbol('SEARCH_POOL');
/**
 * The search sessions' work_mem. A search on several fields ANDs the bitmaps of the contact row's indexes: with
 * PostgreSQL's 4 MB, those of a broad filter at 1M contacts go lossy (every row of 5,490 pages rechecked, 660 ms for
 * a page); 16 MB keeps them exact (267 ms). A search statement holds a few such bitmaps or sorts, so the search
 * pool (half the writers' connections) holds at most pool size x 16 MB x a few.
 */
export const SEARCH_WORK_MEM_MB = 16;

export interface EventStoreModuleOptions extends DatabaseOptions {
  maxEventBytes?: number;
  /** How events are encoded in the log (per-owner encryption, crypto/personal-data-codec.ts). Default: plain JSON. */
  codec?: (pool: pg.Pool) => EventCodec;
  /** The statement timeout of the search pool's sessions. Default: the pool's own. */
  searchStatementTimeoutMs?: number;
  /** At most this many searches run at once: they can never take every connection writers need. Default: half the pool. */
  searchPoolSize?: number;
}

@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(SEARCH_POOL) private readonly searchPool: pg.Pool,
  ) {}

  /** Runs pending migrations, then provides the pools and the event store to every module. */
  static forRoot(options: EventStoreModuleOptions): DynamicModule {
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
        {
          provide: SEARCH_POOL,
          // Opens no connection until a search runs; injecting PG_POOL orders it after the migrations.
          useFactory: (_: pg.Pool) =>
            createPool({
              ...options,
              poolSize: options.searchPoolSize ?? Math.max(2, Math.ceil((options.poolSize ?? 10) / 2)),
              statementTimeoutMs: options.searchStatementTimeoutMs ?? options.statementTimeoutMs,
              applicationName: `${options.applicationName ?? 'contacts'}-search`,
              workMemMb: SEARCH_WORK_MEM_MB,
            }),
          inject: [PG_POOL],
        },
        { provide: PostgresEventStore, useFactory: (pool: pg.Pool) => new PostgresEventStore(pool, options.codec?.(pool), options.maxEventBytes), inject: [PG_POOL] },
        { provide: IdempotencyKeys, useFactory: (pool: pg.Pool) => new IdempotencyKeys(pool, DEFAULT_IDEMPOTENCY_TIMES), inject: [PG_POOL] },
      ],
      exports: [PG_POOL, SEARCH_POOL, PostgresEventStore, IdempotencyKeys],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // A pool may already be closed by whoever ended the app first.
    for (const pool of [this.searchPool, this.pool]) if (!pool.ended) await pool.end();
  }
}
