import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PG_POOL } from '@app/event-store';
import { IntercomError } from '@app/intercom';
import { Public } from '@app/workspaces';
import type pg from 'pg';
import { registry } from './metrics.js';

class DatabaseUnavailableError extends IntercomError {
  constructor(message: string) {
    super('service_unavailable', 503, message);
  }
}

@ApiExcludeController()
@Public()
@Controller()
export class OperationsController {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** 200 only while the database answers. */
  @Get('health')
  async health() {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 2000)));
    try {
      await Promise.race([this.pool.query('SELECT 1'), timeout]);
      return { status: 'ok' };
    } catch {
      throw new DatabaseUnavailableError('The database is not answering');
    } finally {
      clearTimeout(timer);
    }
  }

  @Get('metrics')
  @Header('content-type', registry.contentType)
  metrics() {
    return registry.metrics();
  }
}
