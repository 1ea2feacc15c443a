import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, PostgresEventStore } from '@app/event-store';
import type pg from 'pg';
import { nowInSeconds } from './contact-writer.js';
import { isNumericId } from './numeric-id.js';

/** A workspace's tag. Tags are plain rows: contacts refer to them by id in their ContactTagged events. */
export interface Tag {
  id: string;
  name: string;
}

/** When and by whom a tag was put on a contact. */
export interface TagApplication {
  applied_at: number;
  admin_id: number | null;
}

export class TagNotFoundError extends Error {
  readonly code = 'not_found';
  constructor() {
    super('Resource Not Found');
  }
}

export class TagNameTakenError extends Error {
  readonly code = 'parameter_invalid';
  readonly field = 'name';
  constructor(name: string) {
    super(`A tag named '${name}' already exists`);
  }
}

// Tag ids are bigint identities; anything else names no tag (and must not reach a ::bigint cast).

@Injectable()
export class TagsService {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  /** Intercom's create-or-update: a name already taken (in any case) answers that tag, unchanged. */
  async create(workspaceId: string, name: string): Promise<Tag> {
    const { rows } = await this.pool.query(
      `INSERT INTO tags (workspace_id, name, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (workspace_id, lower(name)) DO UPDATE SET name = tags.name
       RETURNING id::text, name`,
      [workspaceId, name, nowInSeconds()],
    );
    return rows[0];
  }

  async rename(workspaceId: string, id: string, name: string): Promise<Tag> {
    if (!isNumericId(id)) throw new TagNotFoundError();
    try {
      const { rows } = await this.pool.query(`UPDATE tags SET name = $3 WHERE workspace_id = $1 AND id = $2 RETURNING id::text, name`, [workspaceId, id, name]);
      if (!rows[0]) throw new TagNotFoundError();
      return rows[0];
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new TagNameTakenError(name);
      throw error;
    }
  }

  async list(workspaceId: string): Promise<Tag[]> {
    const { rows } = await this.pool.query(`SELECT id::text, name FROM tags WHERE workspace_id = $1 ORDER BY id`, [workspaceId]);
    return rows;
  }

  async find(workspaceId: string, id: string): Promise<Tag | null> {
    if (!isNumericId(id)) return null;
    const { rows } = await this.pool.query(`SELECT id::text, name FROM tags WHERE workspace_id = $1 AND id = $2`, [workspaceId, id]);
    return rows[0] ?? null;
  }

  /** The tags of these ids, in the order of the ids. */
  async findMany(workspaceId: string, ids: string[]): Promise<Tag[]> {
    const wanted = ids.filter(isNumericId);
    if (wanted.length === 0) return [];
    const { rows } = await this.pool.query(`SELECT id::text, name FROM tags WHERE workspace_id = $1 AND id = ANY($2::bigint[])`, [workspaceId, wanted]);
    const byId = new Map(rows.map((tag: Tag) => [tag.id, tag]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * The latest application of every tag the contact ever had. The read model keeps only the ids, so
   * the times come from the contact's own events (read through the store, so through its codec).
   */
  async applications(workspaceId: string, contactId: string): Promise<Map<string, TagApplication>> {
    const events = await this.store.readStream(workspaceId, contactId);
    return applicationsOf(events.map((event) => ({ event_type: event.type, data: event.data })));
  }
}

/** Folds tag events: a tag merged in from a lead counts as applied by the merge, with no admin. */
export function applicationsOf(events: { event_type: string; data: Record<string, any> }[]): Map<string, TagApplication> {
  const applied = new Map<string, TagApplication>();
  const attached = new Set<string>();
  for (const { event_type: type, data } of events) {
    if (type === 'ContactTagged') {
      applied.set(data.tag_id, { applied_at: data.occurred_at, admin_id: data.admin_id ?? null });
      attached.add(data.tag_id);
    } else if (type === 'ContactUntagged') {
      attached.delete(data.tag_id);
    } else if (type === 'ContactMergedFrom') {
      for (const id of data.tag_ids as string[]) {
        if (attached.has(id)) continue;
        applied.set(id, { applied_at: data.occurred_at, admin_id: null });
        attached.add(id);
      }
    }
  }
  return applied;
}
