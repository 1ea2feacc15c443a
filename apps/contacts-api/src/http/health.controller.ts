import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PG_POOL } from '@app/event-store';
import { Public } from '@app/workspaces';
import type pg from 'pg';
import { registry } from './metrics.js';

class DatabaseUnavailableError extends Error {
  readonly code = 'service_unavailable';
}

@ApiExcludeController()
@Public()
@Controller()
export class OperationsController {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** 200 only while the database answers. */
  @Get('health')
  async health() {
    try {
      await Promise.race([this.pool.query('SELECT 1'), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
      return { status: 'ok' };
    } catch {
      throw new DatabaseUnavailableError('The database is not answering');
    }
  }

  @Get('metrics')
  @Header('content-type', registry.contentType)
  metrics() {
    return registry.metrics();
  }
}
