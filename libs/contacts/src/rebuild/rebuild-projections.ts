import type { EventDecoder } from '@app/event-store';
import type pg from 'pg';
import { companyRebuild } from '../companies/company.rebuild.js';
import { dataEventRebuild } from '../data-events/data-event.rebuild.js';
import { type RebuildOptions, type RebuildReport, contactRebuild, rebuildProjections } from '../store/projection-rebuild.js';

/** Every read model derived from the log, by the stream type it folds. A new stream type adds its part here. */
export const REBUILD_PARTS = [contactRebuild, dataEventRebuild, companyRebuild] as const;

/** `projections rebuild`: refolds every read model derived from the log (store/projection-rebuild.ts). */
export function rebuildContactProjections(pool: pg.Pool, decoder: EventDecoder, options: RebuildOptions = {}): Promise<RebuildReport> {
  return rebuildProjections(pool, decoder, REBUILD_PARTS, options);
}
