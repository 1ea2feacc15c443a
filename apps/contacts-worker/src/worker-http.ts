import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import { type OperationsServer, startOperationsServer } from '@app/runtime';
import type pg from 'pg';

export const WORKER_HTTP_OPTIONS = Symbol('WORKER_HTTP_OPTIONS');

export interface WorkerHttpOptions {
  port: number;
  host: string;
}

/** The worker's /health and /metrics listener, opened with the application and closed with it. */
@Injectable()
export class WorkerHttp implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WorkerHttp');
  private server?: OperationsServer;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(WORKER_HTTP_OPTIONS) private readonly options: WorkerHttpOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.server = await startOperationsServer({ pool: this.pool, port: this.options.port, host: this.options.host });
    this.logger.log(`/health and /metrics on ${this.options.host}:${this.server.port}`);
  }

  /** Before the processors drain and the pool closes (later hooks): probes stop reaching a worker on its way out. */
  async onModuleDestroy(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  /** The bound port (WORKER_PORT=0 picks one). */
  get port(): number {
    if (!this.server) throw new Error('the worker HTTP listener is not open');
    return this.server.port;
  }
}
