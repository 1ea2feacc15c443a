import { type DynamicModule, Module } from '@nestjs/common';
import { TagDetachmentModule } from '@app/contacts';
import { EventStoreModule } from '@app/event-store';
import { ProcessorsModule } from '@app/processors';
import { WebhooksModule } from '@app/webhooks';
import { WorkspacesModule } from '@app/workspaces';
import { LoggerModule } from 'nestjs-pino';
import { MIGRATIONS, type RuntimeConfig, personalDataCodec } from '@app/runtime';
import { WORKER_HTTP_OPTIONS, WorkerHttp } from './worker-http.js';

/**
 * The log processors, and none of the API's routes: its one listener serves /health and /metrics (WorkerHttp).
 * Modules whose providers carry `@LogProcessorProvider()` (webhook delivery, async projections) are imported
 * here as well as in the API's AppModule.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: { level: config.logLevel } }),
        // The same migrations as the API, so that whichever starts first brings the schema up to date.
        EventStoreModule.forRoot({
          url: config.databaseUrl,
          migrations: MIGRATIONS,
          poolSize: config.dbPoolSize,
          applicationName: 'contacts-worker',
          statementTimeoutMs: config.dbStatementTimeoutMs,
          connectTimeoutMs: config.dbConnectTimeoutMs,
          maxEventBytes: config.maxEventBytes,
          codec: personalDataCodec(config),
        }),
        // The webhook delivery loop reads each workspace's client secret through it.
        WorkspacesModule.forRoot({ tokenCacheMs: config.tokenCacheMs }),
        WebhooksModule,
        ProcessorsModule.forRoot(config),
        // Not a log processor: it drains tag_deletions (DELETE /tags/{id} on a tag with many contacts).
        TagDetachmentModule,
      ],
      providers: [{ provide: WORKER_HTTP_OPTIONS, useValue: { port: config.workerPort, host: config.host } }, WorkerHttp],
    };
  }
}
