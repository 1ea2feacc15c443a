import { type ContactEraser, type ErasureStatement, contactEraser } from '@app/contacts';
import { webhookDeliveriesErasure } from '@app/webhooks';
import type pg from 'pg';
import type { AppConfig } from './config.js';
import { eventStoreFor } from './encryption.js';

/** The erasure's statements over tables the contacts library does not own (the event store's it names itself). */
export const CONTACT_ERASURE_STATEMENTS: readonly ErasureStatement[] = [webhookDeliveriesErasure];

/** The API's eraser, outside Nest (the CLI). */
export const contactEraserFor = (pool: pg.Pool, config: AppConfig): ContactEraser => contactEraser(pool, eventStoreFor(pool, config), CONTACT_ERASURE_STATEMENTS);
