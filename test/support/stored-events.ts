import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PostgresEventStore } from '@app/event-store';
import type pg from 'pg';

/** A row of es_events, as the tests assert it was stored. */
export interface EventRow {
  event_id: string;
  workspace_id: string;
  stream_id: string;
  stream_position: number;
  global_position: number;
  event_type: string;
  data: Record<string, any>;
  metadata: Record<string, any>;
  recorded_at: Date;
}

type HasPool = { pool: pg.Pool; app?: NestFastifyApplication };
const COLUMNS = 'event_id, workspace_id, stream_id, stream_position, global_position, event_type, data, metadata, recorded_at';

/**
 * The contact's events (its stream) in stream order. Reading the log itself is the point: it is what the API stored,
 * opened with the app's codec (personal values are sealed in the log: rawEvents shows them so).
 */
export async function storedEvents(t: HasPool, contactId: string): Promise<EventRow[]> {
  return opened(t, await rawEvents(t, contactId));
}

/** The rows as es_events holds them, personal values sealed. */
export async function rawEvents(t: HasPool, contactId: string): Promise<EventRow[]> {
  return (await t.pool.query(`SELECT ${COLUMNS} FROM es_events WHERE stream_id = $1 ORDER BY stream_position`, [contactId])).rows;
}

async function opened(t: HasPool, rows: EventRow[]): Promise<EventRow[]> {
  if (!t.app) return rows;
  const events = await t.app.get(PostgresEventStore).toStoredEvents(rows);
  return rows.map((row, i) => ({ ...row, data: events[i].data as Record<string, any> }));
}

/** The event types of the contact's stream, in stream order. */
export async function eventTypes(t: HasPool, contactId: string): Promise<string[]> {
  return (await storedEvents(t, contactId)).map((e) => e.event_type);
}

/** Every event of the workspace, in log (global) order. */
export async function workspaceEvents(t: HasPool, workspaceId: string): Promise<EventRow[]> {
  return opened(t, (await t.pool.query(`SELECT ${COLUMNS} FROM es_events WHERE workspace_id = $1 ORDER BY global_position`, [workspaceId])).rows);
}
