import { randomUUID } from 'node:crypto';
import { type DynamicModule, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactErasureModule, ContactsModule, RequestBoundsModule, TagDetachmentModule } from '@app/contacts';
import { IntercomVersionGuard } from '@app/intercom/http';
import { EventStoreModule } from '@app/event-store';
import { ProcessorsModule } from '@app/processors';
import { CONTACT_ERASURE_STATEMENTS, MIGRATIONS, type RuntimeConfig, personalDataCodec } from '@app/runtime';
import { WebhooksModule } from '@app/webhooks';
import { RateLimitGuard, RateLimitsModule, WorkspacesModule, WorkspacesService } from '@app/workspaces';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { OperationsController } from './http/health.controller.js';
import { IntercomErrorFilter } from './http/intercom-error.filter.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Makes sure someone can call the API: BOOTSTRAP_TOKEN's workspace, or a first dev workspace. */
class WorkspaceBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(WorkspacesService) private readonly workspaces: WorkspacesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.bootstrapToken) {
      const { workspaceId, created, revoked } = await this.workspaces.ensureBootstrap(this.config.bootstrapToken, this.config.bootstrapClientSecret);
      if (revoked) this.logger.warn(`BOOTSTRAP_TOKEN was revoked: it opens nothing, and workspace ${workspaceId} is left as it is (BOOTSTRAP_CLIENT_SECRET not applied)`);
      else this.logger.log(`${created ? 'created' : 'found'} bootstrap workspace ${workspaceId}`);
    } else if (this.config.embeddedDatabase) {
      const dev = await this.workspaces.ensureDevWorkspace();
      if (dev) this.logger.warn(`created dev workspace ${dev.workspace_id}; access token (shown once): ${dev.access_token}`);
    }
  }
}

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req: IncomingMessage & { id?: unknown }) => (typeof req.id === 'string' ? req.id : randomUUID()),
            customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
            redact: ['req.headers.authorization'],
          },
        }),
        EventStoreModule.forRoot({
          url: config.databaseUrl,
          migrations: MIGRATIONS,
          poolSize: config.dbPoolSize,
          statementTimeoutMs: config.dbStatementTimeoutMs,
          connectTimeoutMs: config.dbConnectTimeoutMs,
          maxEventBytes: config.maxEventBytes,
          codec: personalDataCodec(config),
          searchStatementTimeoutMs: config.dbSearchTimeoutMs,
        }),
        RequestBoundsModule.forRoot({
          longPollsPerWorkspace: config.longPollsPerWorkspace,
          longPollsPerProcess: config.longPollsPerProcess,
          tagDetachInRequest: config.tagDetachInRequest,
        }),
        CqrsModule.forRoot(),
        WorkspacesModule.forRoot({ tokenCacheMs: config.tokenCacheMs }),
        RateLimitsModule.forRoot({ perMinute: config.rateLimitPerMinute, redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix }),
        ContactsModule,
        ContactErasureModule.forRoot(CONTACT_ERASURE_STATEMENTS),
        WebhooksModule,
        ...(config.workers === 'inline' ? [ProcessorsModule.forRoot(config), TagDetachmentModule] : []),
      ],
      controllers: [OperationsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        // The access token check, with the rate limits around it (libs/workspaces/src/rate-limits).
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_GUARD, useClass: IntercomVersionGuard },
        { provide: APP_FILTER, useClass: IntercomErrorFilter },
        WorkspaceBootstrap,
      ],
    };
  }
}
