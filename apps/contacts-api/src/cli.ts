import 'reflect-metadata';
import { ConfigError } from '@app/runtime';
import { UsageError, runCli } from './cli-commands.js';

runCli(process.argv.slice(2)).then(
  (result) => console.log(JSON.stringify(result, null, 2)),
  (error) => {
    const known = error instanceof UsageError || error instanceof ConfigError || typeof error?.code === 'string';
    console.error(known ? error.message : error);
    process.exit(known ? 2 : 1);
  },
);
