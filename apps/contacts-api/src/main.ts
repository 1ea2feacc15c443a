import 'reflect-metadata';
import { ConfigError, loadConfig, resolveDatabase } from '@app/runtime';
import { createApp } from './configure-app.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await resolveDatabase(config);
  const app = await createApp({ ...config, databaseUrl: database.url, embeddedDatabase: !config.databaseUrl });
  // Graceful shutdown: stop taking requests, let in-flight ones finish, close the pool, then the embedded database.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void app.close().finally(() => database.stop().finally(() => process.exit(0)));
    });
  }
  await app.listen(config.port, config.host);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
