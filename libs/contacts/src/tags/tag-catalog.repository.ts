import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, PG_POOL, type Queryable, inLockedTransaction } from '@app/event-store';
import { IntercomError, LIMITS, ParameterInvalidError, ResourceNotFoundError, isNumericId, nowInSeconds } from '@app/intercom';
import type pg from 'pg';

/** A workspace's tag: a plain row of the tag catalog; contacts refer to it by id in their ContactTagged events. */
export interface Tag {
  id: string;
  name: string;
}

export class TagNotFoundError extends ResourceNotFoundError {}

export class TagNameTakenError extends IntercomError {
  constructor(name: string) {
    super('parameter_invalid', 400, `A tag named '${name}' already exists`, 'name');
  }
}

/** GET /tags answers every tag of the workspace in one list: their number is bounded. */
export class TagLimitError extends ParameterInvalidError {
  constructor() {
    super(`A workspace can have at most ${LIMITS.tagsPerWorkspace} tags; rename one instead`, 'name');
  }
}

/** Intercom's refusal: a tag that a segment's query names cannot go. */
export class TagHasDependentObjectsError extends IntercomError {
  constructor(segments: string[]) {
    super('tag_has_dependent_objects', 400, `Unable to delete Tag with dependent objects. Segments: ${segments.join(', ')}.`);
  }
}

/**
 * The lock of a workspace's tag catalog: creating a tag (the count), deleting one, and defining a segment that names
 * tags (segments/segment-catalog.repository.ts) take it, so a segment cannot name a tag being deleted.
 */
export const tagCatalogLock = (workspaceId: string) => `tags:${workspaceId}`;

// Deleted tags stay as tombstones (tag-detacher.ts): every read of the catalog but tagNamesOf leaves them out.
const LIVE = 'deleted_at IS NULL';
const FIND_BY_NAME = `SELECT id::text, name FROM tags WHERE workspace_id = $1 AND lower(name) = lower($2) AND ${LIVE}`;

@Injectable()
export class TagCatalog {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /**
   * Intercom's create-or-update: a name already taken (in any case) answers that tag, unchanged, even at
   * the limit. A new one is counted under a per-workspace lock, so replicas cannot pass the limit together.
   */
  async create(workspaceId: string, name: string): Promise<Tag> {
    const { rows: found } = await this.pool.query(FIND_BY_NAME, [workspaceId, name]);
    if (found[0]) return found[0];
    return inLockedTransaction(this.pool, tagCatalogLock(workspaceId), async (client) => {
      const { rows: again } = await client.query(FIND_BY_NAME, [workspaceId, name]);
      if (again[0]) return again[0];
      // Reads at most the limit's worth of index entries: the count is bounded by the limit it enforces.
      const { rows: held } = await client.query(`SELECT count(*)::int AS n FROM tags WHERE workspace_id = $1 AND ${LIVE}`, [workspaceId]);
      if (held[0].n >= LIMITS.tagsPerWorkspace) throw new TagLimitError();
      const { rows } = await client.query(
        // A rename (not under the lock) may take the name meanwhile: then that tag is the answer.
        `INSERT INTO tags (workspace_id, name, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (workspace_id, lower(name)) WHERE deleted_at IS NULL DO UPDATE SET name = tags.name RETURNING id::text, name`,
        [workspaceId, name, nowInSeconds()],
      );
      return rows[0];
    });
  }

  async rename(workspaceId: string, id: string, name: string): Promise<Tag> {
    if (!isNumericId(id)) throw new TagNotFoundError();
    try {
      const { rows } = await this.pool.query(`UPDATE tags SET name = $3 WHERE workspace_id = $1 AND id = $2 AND ${LIVE} RETURNING id::text, name`, [workspaceId, id, name]);
      if (!rows[0]) throw new TagNotFoundError();
      return rows[0];
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new TagNameTakenError(name);
      throw error;
    }
  }

  /** Every tag of the workspace, oldest first: at most LIMITS.tagsPerWorkspace. */
  async list(workspaceId: string): Promise<Tag[]> {
    const { rows } = await this.pool.query(`SELECT id::text, name FROM tags WHERE workspace_id = $1 AND ${LIVE} ORDER BY id`, [workspaceId]);
    return rows;
  }

  async find(workspaceId: string, id: string): Promise<Tag | null> {
    if (!isNumericId(id)) return null;
    const { rows } = await this.pool.query(`SELECT id::text, name FROM tags WHERE workspace_id = $1 AND id = $2 AND ${LIVE}`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  /** The tags of these ids, in the order of the ids. */
  async findMany(workspaceId: string, ids: string[]): Promise<Tag[]> {
    const wanted = ids.filter(isNumericId);
    if (wanted.length === 0) return [];
    const { rows } = await this.pool.query(`SELECT id::text, name FROM tags WHERE workspace_id = $1 AND id = ANY($2::bigint[]) AND ${LIVE}`, [workspaceId, wanted]);
    const byId = new Map(rows.map((tag: Tag) => [tag.id, tag]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * Deletes a tag: its row becomes a tombstone and a tag_deletions row queues the detaching from its contacts, in
   * one transaction (tag-detacher.ts walks them). Refused while a segment's query names the tag, as Intercom does.
   */
  async remove(workspaceId: string, id: string, metadata: EventMetadata): Promise<Tag> {
    if (!isNumericId(id)) throw new TagNotFoundError();
    return inLockedTransaction(this.pool, tagCatalogLock(workspaceId), async (client) => {
      const { rows: found } = await client.query(`SELECT id::text, name FROM tags WHERE workspace_id = $1 AND id = $2 AND ${LIVE} FOR UPDATE`, [workspaceId, id]);
      if (!found[0]) throw new TagNotFoundError();
      // At most LIMITS.segmentsPerWorkspace rows.
      const { rows: dependents } = await client.query('SELECT name FROM segments WHERE workspace_id = $1 AND $2 = ANY(tag_ids) ORDER BY created_at, id', [workspaceId, id]);
      if (dependents.length > 0) throw new TagHasDependentObjectsError(dependents.map((row) => row.name));
      const now = nowInSeconds();
      await client.query('UPDATE tags SET deleted_at = $3 WHERE workspace_id = $1 AND id = $2', [workspaceId, id, now]);
      await client.query('INSERT INTO tag_deletions (workspace_id, tag_id, metadata, requested_at) VALUES ($1, $2, $3, $4)', [workspaceId, id, metadata, now]);
      return found[0];
    });
  }

  /** Whether the tag is gone (deleted, or never was): a tagging that raced its deletion takes itself back. */
  async isGone(workspaceId: string, id: string): Promise<boolean> {
    return (await this.find(workspaceId, id)) === null;
  }
}

/** Tag names by `workspace/id`, on any connection (the webhook notifier reads them in its batch's transaction). */
export async function tagNamesOf(db: Queryable, tags: { workspaceId: string; id: string }[]): Promise<Map<string, string>> {
  const wanted = tags.filter((tag) => isNumericId(tag.id));
  if (wanted.length === 0) return new Map();
  const { rows } = await db.query({
    name: 'tags_names_of',
    text: 'SELECT workspace_id, id::text AS id, name FROM tags WHERE workspace_id = ANY($1::text[]) AND id = ANY($2::bigint[])',
    values: [[...new Set(wanted.map((tag) => tag.workspaceId))], [...new Set(wanted.map((tag) => tag.id))]],
  });
  return new Map(rows.map((row) => [`${row.workspace_id}/${row.id}`, row.name as string]));
}
