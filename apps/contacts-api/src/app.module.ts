import { randomUUID } from 'node:crypto';
import { type DynamicModule, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import {
  ContactCompanyIndex1764200000450,
  ContactRelations1764200000400,
  ContactSearchIndexes1764200000300,
  ContactsModule,
  ContactsReadModel1764200000200,
  IntercomVersionGuard,
} from '@app/contacts';
import { Checkpoints1764200000050, EventLog1764200000000, EventStoreModule } from '@app/event-store';
import { ProcessorsModule } from '@app/processors';
import { Webhooks1764200000500, WebhooksModule } from '@app/webhooks';
import { AccessTokenGuard, SubscriptionTypes1764200000150, Workspaces1764200000100, WorkspacesModule, WorkspacesService } from '@app/workspaces';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { RuntimeConfig } from './config.js';
import { OperationsController } from './http/health.controller.js';
import { IntercomErrorFilter } from './http/intercom-error.filter.js';

export const APP_CONFIG = Symbol('APP_CONFIG');
/** Every library's migrations, in timestamp order: the API, the worker, the CLI and the tests run them at start. */
export const MIGRATIONS = [
  EventLog1764200000000,
  Checkpoints1764200000050,
  Workspaces1764200000100,
  SubscriptionTypes1764200000150,
  ContactsReadModel1764200000200,
  ContactSearchIndexes1764200000300,
  ContactRelations1764200000400,
  ContactCompanyIndex1764200000450,
  Webhooks1764200000500,
];

/** Makes sure someone can call the API: BOOTSTRAP_TOKEN's workspace, or a first dev workspace. */
class WorkspaceBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(WorkspacesService) private readonly workspaces: WorkspacesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.bootstrapToken) {
      const { workspaceId, created } = await this.workspaces.ensureBootstrap(this.config.bootstrapToken, this.config.bootstrapClientSecret);
      this.logger.log(`${created ? 'created' : 'found'} bootstrap workspace ${workspaceId}`);
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
        EventStoreModule.forRoot({ url: config.databaseUrl, migrations: MIGRATIONS, poolSize: config.dbPoolSize }),
        CqrsModule.forRoot(),
        WorkspacesModule,
        ContactsModule,
        WebhooksModule,
        ...(config.workers === 'inline' ? [ProcessorsModule.forRoot(config)] : []),
      ],
      controllers: [OperationsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_GUARD, useExisting: AccessTokenGuard },
        { provide: APP_GUARD, useClass: IntercomVersionGuard },
        { provide: APP_FILTER, useClass: IntercomErrorFilter },
        WorkspaceBootstrap,
      ],
    };
  }
}
