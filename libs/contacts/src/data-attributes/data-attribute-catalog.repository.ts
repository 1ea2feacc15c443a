import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, inLockedTransaction } from '@app/event-store';
import { IntercomError, LIMITS, ParameterInvalidError, nowInSeconds } from '@app/intercom';
import type pg from 'pg';
import type { DataType } from '../domain/contact.state.js';
import { firstAdmin } from '../domain/contact-relations.aggregate.js';
import { DecisionContexts } from '../store/decision-context.js';
import { type DataAttribute, STANDARD_ATTRIBUTES, isStandardName } from './standard-attributes.js';

export interface NewDataAttribute {
  name: string;
  model: DataAttribute['model'];
  data_type: DataType;
  description?: string | null;
  options?: { value: string }[];
  messenger_writable?: boolean;
}

export interface DataAttributeChanges {
  archived?: boolean;
  description?: string | null;
  options?: { value: string }[];
  messenger_writable?: boolean;
}

export class DataAttributeInvalidError extends ParameterInvalidError {}

export class DataAttributeLimitError extends ParameterInvalidError {
  constructor(model: string) {
    super(`A workspace can have at most ${LIMITS.dataAttributesPerModel} active ${model} data attributes; archive one to make room`, 'name');
  }
}

/** Archived attributes still list (include_archived=true), so all of a model's count against a larger bound. */
export class DataAttributeTotalLimitError extends ParameterInvalidError {
  constructor(model: string) {
    super(`A workspace can have at most ${LIMITS.dataAttributesPerModelWithArchived} ${model} data attributes, archived ones included`, 'name');
  }
}

export class DataAttributeNotFoundError extends IntercomError {
  constructor() {
    super('field_not_found', 404, "We couldn't find that data attribute to update");
  }
}

const COLUMNS = `id, name, label, description, data_type, options, messenger_writable, archived, admin_id, created_at, updated_at, model`;

@Injectable()
export class DataAttributeCatalog {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly contexts: DecisionContexts,
  ) {}

  async list(workspaceId: string, model: string | undefined, includeArchived: boolean): Promise<DataAttribute[]> {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS} FROM data_attributes
        WHERE workspace_id = $1 AND ($2::text IS NULL OR model = $2) AND ($3 OR NOT archived) ORDER BY id`,
      [workspaceId, model ?? null, includeArchived],
    );
    return [...STANDARD_ATTRIBUTES.filter((a) => !model || a.model === model), ...rows.map(toAttribute)];
  }

  async create(workspaceId: string, input: NewDataAttribute): Promise<DataAttribute> {
    const name = input.name.trim();
    if (isStandardName(input.model, name)) {
      throw new DataAttributeInvalidError(`'${name}' is one of our standard attributes. Please use a different name.`);
    }
    const now = nowInSeconds();
    // Created through the API, the attribute is the token's admin's, as Intercom records it.
    const adminId = firstAdmin((await this.contexts.get(workspaceId)).context.admins);
    try {
      const row = await inLockedTransaction(this.pool, lockKey(workspaceId, input.model), async (client) => {
        await this.checkRoom(client, workspaceId, input.model, true);
        const { rows } = await client.query(
          `INSERT INTO data_attributes (workspace_id, model, name, label, description, data_type, options, messenger_writable, admin_id, created_at, updated_at)
           VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ${COLUMNS}`,
          [workspaceId, input.model, name, input.description ?? null, input.data_type, optionsJson(input.options), input.messenger_writable ?? false,
            adminId === null ? null : String(adminId), now],
        );
        return rows[0];
      });
      this.contexts.forget(workspaceId);
      return toAttribute(row);
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      const data = input.model === 'contact' ? 'people' : 'company';
      throw new DataAttributeInvalidError(`You already have '${name}' in your ${data} data. Use a different name.`);
    }
  }

  async update(workspaceId: string, id: number, input: DataAttributeChanges): Promise<DataAttribute> {
    if (input.archived !== false) return this.applyUpdate(this.pool, workspaceId, id, input);
    // Unarchiving takes a place among the active attributes: checked under the same lock as create.
    const { rows } = await this.pool.query('SELECT model FROM data_attributes WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
    if (!rows[0]) throw new DataAttributeNotFoundError();
    return inLockedTransaction(this.pool, lockKey(workspaceId, rows[0].model), async (client) => {
      const current = await client.query('SELECT archived FROM data_attributes WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
      if (current.rows[0]?.archived) await this.checkRoom(client, workspaceId, rows[0].model);
      return this.applyUpdate(client, workspaceId, id, input);
    });
  }

  /** Room for one more active attribute of the model; `created`: also for one more row. Both counts are bounded by their limits. */
  private async checkRoom(db: pg.PoolClient, workspaceId: string, model: string, created = false): Promise<void> {
    const { rows } = await db.query(
      'SELECT count(*) FILTER (WHERE NOT archived)::int AS active, count(*)::int AS total FROM data_attributes WHERE workspace_id = $1 AND model = $2',
      [workspaceId, model],
    );
    if (rows[0].active >= LIMITS.dataAttributesPerModel) throw new DataAttributeLimitError(model);
    if (created && rows[0].total >= LIMITS.dataAttributesPerModelWithArchived) throw new DataAttributeTotalLimitError(model);
  }

  private async applyUpdate(db: pg.Pool | pg.PoolClient, workspaceId: string, id: number, input: DataAttributeChanges): Promise<DataAttribute> {
    const { rows } = await db.query(
      `UPDATE data_attributes SET
         archived = coalesce($3, archived),
         description = CASE WHEN $4::boolean THEN $5 ELSE description END,
         options = coalesce($6, options),
         messenger_writable = coalesce($7, messenger_writable),
         updated_at = $8
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [workspaceId, id, input.archived ?? null, input.description !== undefined, input.description ?? null, optionsJson(input.options), input.messenger_writable ?? null, nowInSeconds()],
    );
    if (!rows[0]) throw new DataAttributeNotFoundError();
    this.contexts.forget(workspaceId);
    return toAttribute(rows[0]);
  }
}

const lockKey = (workspaceId: string, model: string) => `data_attributes:${workspaceId}:${model}`;

const optionsJson = (options?: { value: string }[]) => (options ? JSON.stringify(options.map((o) => o.value)) : null);

function toAttribute(row: Record<string, any>): DataAttribute {
  return {
    id: row.id,
    name: row.name,
    label: row.label,
    description: row.description,
    data_type: row.data_type,
    options: row.options,
    api_writable: true,
    ui_writable: true,
    messenger_writable: row.messenger_writable,
    custom: true,
    archived: row.archived,
    admin_id: row.admin_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    model: row.model,
  };
}
