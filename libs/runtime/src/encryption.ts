import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { PERSONAL_DATA } from '@app/contacts';
import { MasterKeyring, PersonalDataCodec, PostgresEventStore, generateMasterKey, parseMasterKey } from '@app/event-store';
import type pg from 'pg';
import type { AppConfig } from './config.js';

/** Where the master key is generated when none is configured: beside the embedded database's data. */
export const generatedKeyFile = (config: Pick<AppConfig, 'dataDir'>) => path.resolve(config.dataDir, 'master.key');

const logger = new Logger('Encryption');

/**
 * The master keys, from ENCRYPTION_KEY or ENCRYPTION_KEY_FILE (first line: the current key; further lines: previous
 * ones), plus ENCRYPTION_PREVIOUS_KEYS. With neither set, the key of `<DATA_DIR>/master.key`, generated there on first
 * use: fine for one machine, wrong for replicas (each would make its own) and lost with the folder (see README).
 */
export function masterKeyring(config: Pick<AppConfig, 'encryptionKey' | 'encryptionKeyFile' | 'encryptionPreviousKeys' | 'dataDir'>): MasterKeyring {
  const previous = config.encryptionPreviousKeys.map((key) => parseMasterKey(key, 'ENCRYPTION_PREVIOUS_KEYS'));
  if (config.encryptionKey) return new MasterKeyring(parseMasterKey(config.encryptionKey, 'ENCRYPTION_KEY'), previous);
  const file = config.encryptionKeyFile ?? generatedKeyFile(config);
  const lines = readKeyFile(file, !config.encryptionKeyFile);
  const [current, ...older] = lines.map((line) => parseMasterKey(line, file));
  return new MasterKeyring(current, [...older, ...previous]);
}

function readKeyFile(file: string, generate: boolean): string[] {
  const read = () => readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
  try {
    const lines = read();
    if (lines.length > 0) return lines;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !generate) throw error;
  }
  if (!generate) throw new Error(`${file} holds no key`);
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // Exclusive: of two processes starting at once, one writes and both read its key.
    writeFileSync(file, `${generateMasterKey()}\n`, { flag: 'wx', mode: 0o600 });
    logger.warn(`no ENCRYPTION_KEY: generated a master key in ${file}; back it up, and set ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE) in production`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return read();
}

/** The codec of every process (API, worker, CLI): personal values sealed per owner, as PERSONAL_DATA lists them. */
export function personalDataCodec(config: AppConfig): (pool: pg.Pool) => PersonalDataCodec {
  const keyring = masterKeyring(config);
  return (pool) => new PersonalDataCodec(pool, { keyring, policy: PERSONAL_DATA, encrypt: !config.encryptionBenchDisable });
}

/** An event store outside Nest (the CLI, operations), with the same codec as the services. */
export const eventStoreFor = (pool: pg.Pool, config: AppConfig): PostgresEventStore =>
  new PostgresEventStore(pool, personalDataCodec(config)(pool), config.maxEventBytes);
