import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { LogProcessorsRunner } from '@app/processors';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig, resolveDatabase } from '@app/runtime';
import { WorkerModule } from './worker.module.js';

/** The log processors as a process of their own (run the API with WORKERS=off beside it); WORKER_PORT serves /health and /metrics. */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await resolveDatabase(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ ...config, databaseUrl: database.url }), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Graceful: each processor finishes its batch and releases its lease (a standby takes over at once), then the pool closes.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void app.close().finally(() => database.stop().finally(() => process.exit(0)));
    });
  }
  await app.init();
  const names = app.get(LogProcessorsRunner).names;
  if (names.length === 0) app.get(Logger).warn('no log processor to run: set NATS_URL for the NATS relay');
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
