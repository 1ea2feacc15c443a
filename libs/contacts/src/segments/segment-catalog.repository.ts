import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, type Queryable, inLockedTransaction } from '@app/event-store';
import { IntercomError, LIMITS, ParameterInvalidError, ResourceNotFoundError, isNumericId, newObjectId, nowInSeconds } from '@app/intercom';
import type pg from 'pg';
import type { SavedSearch } from '../search/search-fields.js';
import { tagCatalogLock } from '../tags/tag-catalog.repository.js';

/** What a segment's query filters: contacts (the search DSL) or companies (company-filter.compiler.ts). */
export type SegmentTarget = 'contacts' | 'companies';

/** A segment as stored: a named query of the search DSL (segments/README in docs/intercom-contract.md). */
export interface Segment extends SavedSearch {
  name: string;
  target: SegmentTarget;
  /** The tags its query names: deleting one of them is refused while the segment exists. */
  tagIds: string[];
  createdAt: number;
  updatedAt: number;
}

/** What an operator defines; the handler has checked the query before it reaches the catalog. */
export interface SegmentDefinition {
  name: string;
  /** Fixed at creation: a change keeps the segment's. */
  target: SegmentTarget;
  personType: 'user' | 'contact';
  query: unknown;
  version: number;
  tagIds: string[];
}

export class SegmentNotFoundError extends ResourceNotFoundError {}

export class SegmentNameTakenError extends IntercomError {
  constructor(name: string) {
    super('parameter_invalid', 400, `A segment named '${name}' already exists`, 'name');
  }
}

export class SegmentLimitError extends ParameterInvalidError {
  constructor() {
    super(`A workspace can have at most ${LIMITS.segmentsPerWorkspace} segments; change or delete one instead`, 'name');
  }
}

export class SegmentTagMissingError extends ParameterInvalidError {
  constructor(tagId: string) {
    super(`The query names tag '${tagId}', which does not exist`, 'query');
  }
}

const COLUMNS = 'id, name, target, person_type, query, version, tag_ids, created_at, updated_at';
const toSegment = (row: Record<string, any>): Segment => ({
  id: row.id,
  name: row.name,
  target: row.target,
  personType: row.person_type,
  query: row.query,
  version: row.version,
  tagIds: row.tag_ids,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
});

/**
 * The workspace's segments: a catalog of definitions, like tags and data attributes (workspace configuration, not
 * contact state: defining one changes no contact, so no contact event records it). At most
 * LIMITS.segmentsPerWorkspace per workspace, so every list of them is one bounded read of the primary key.
 */
@Injectable()
export class SegmentCatalog {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** Creates a segment, or with `id` replaces that one's definition; under the tag catalog's lock (tags it names must stay). */
  save(workspaceId: string, definition: SegmentDefinition, id?: string): Promise<Segment> {
    return inLockedTransaction(this.pool, tagCatalogLock(workspaceId), async (client) => {
      await checkTags(client, workspaceId, definition.tagIds);
      if (id === undefined) {
        const { rows } = await client.query('SELECT count(*)::int AS n FROM segments WHERE workspace_id = $1', [workspaceId]);
        if (rows[0].n >= LIMITS.segmentsPerWorkspace) throw new SegmentLimitError();
      }
      const now = nowInSeconds();
      const values = [workspaceId, id ?? newObjectId(), definition.name, definition.personType, JSON.stringify(definition.query), definition.version, definition.tagIds, now, definition.target];
      const text =
        id === undefined
          ? `INSERT INTO segments (workspace_id, id, name, person_type, query, version, tag_ids, created_at, updated_at, target)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING ${COLUMNS}`
          : `UPDATE segments SET name = $3, person_type = $4, query = $5, version = $6, tag_ids = $7, updated_at = $8
              WHERE workspace_id = $1 AND id = $2 AND target = $9 RETURNING ${COLUMNS}`;
      const { rows } = await client.query(text, values).catch((error) => {
        throw error?.code === '23505' ? new SegmentNameTakenError(definition.name) : error;
      });
      if (!rows[0]) throw new SegmentNotFoundError();
      return toSegment(rows[0]);
    });
  }

  async remove(workspaceId: string, id: string): Promise<Segment> {
    const { rows } = await this.pool.query(`DELETE FROM segments WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`, [workspaceId, id]);
    if (!rows[0]) throw new SegmentNotFoundError();
    return toSegment(rows[0]);
  }

  /** Every segment of the workspace (of one target when given), oldest first: at most LIMITS.segmentsPerWorkspace. */
  async list(workspaceId: string, target?: SegmentTarget): Promise<Segment[]> {
    const { rows } = await this.pool.query({
      name: 'segments_list',
      text: `SELECT ${COLUMNS} FROM segments WHERE workspace_id = $1 AND ($2::text IS NULL OR target = $2) ORDER BY created_at, id`,
      values: [workspaceId, target ?? null],
    });
    return rows.map(toSegment);
  }

  async find(workspaceId: string, id: string): Promise<Segment | null> {
    return (await this.findMany(workspaceId, [id]))[0] ?? null;
  }

  /** The segments of these ids that exist, of one target when given (a contact search names them by segment_id). */
  async findMany(workspaceId: string, ids: readonly string[], target?: SegmentTarget): Promise<Segment[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query({
      name: 'segments_find_many',
      text: `SELECT ${COLUMNS} FROM segments WHERE workspace_id = $1 AND id = ANY($2::text[]) AND ($3::text IS NULL OR target = $3) ORDER BY created_at, id`,
      values: [workspaceId, ids, target ?? null],
    });
    return rows.map(toSegment);
  }
}

async function checkTags(db: Queryable, workspaceId: string, tagIds: string[]): Promise<void> {
  const numeric = tagIds.filter(isNumericId);
  const { rows } = await db.query('SELECT id::text FROM tags WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND deleted_at IS NULL', [workspaceId, numeric]);
  const live = new Set(rows.map((row) => row.id));
  const missing = tagIds.find((id) => !live.has(id));
  if (missing !== undefined) throw new SegmentTagMissingError(missing);
}
