import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PG_POOL } from '@app/event-store';
import { checkDatabase, registry } from '@app/runtime';
import { Public } from '@app/workspaces';
import type pg from 'pg';

@ApiExcludeController()
@Public()
@Controller()
export class OperationsController {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** 200 only while the database answers; the probe's error leaves through the error filter as 503. */
  @Get('health')
  async health() {
    await checkDatabase(this.pool);
    return { status: 'ok' };
  }

  @Get('metrics')
  @Header('content-type', registry.contentType)
  metrics() {
    return registry.metrics();
  }
}
