import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL, inLockedTransaction } from '@app/event-store';
import { ParameterInvalidError } from '@app/intercom';
import type pg from 'pg';

/** Plan names of one workspace with ids: every company on a plan names it, so their number is bounded. */
export const MAX_PLANS = 1000;

export class PlanLimitError extends ParameterInvalidError {
  constructor() {
    super(`A workspace can have at most ${MAX_PLANS} plan names; reuse one`, 'plan');
  }
}

const FIND = 'SELECT id::text FROM company_plans WHERE workspace_id = $1 AND name = $2';

/** Intercom's `plan.id`: a stable id for each plan name a workspace's companies were given. */
@Injectable()
export class PlanCatalog {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** The plan's id, made on first use (under a per-workspace lock, so replicas cannot pass the limit together). */
  async idOf(workspaceId: string, name: string): Promise<string> {
    const { rows } = await this.pool.query({ name: 'company_plans_find', text: FIND, values: [workspaceId, name] });
    if (rows[0]) return rows[0].id;
    return inLockedTransaction(this.pool, `company_plans:${workspaceId}`, async (client) => {
      const { rows: again } = await client.query(FIND, [workspaceId, name]);
      if (again[0]) return again[0].id;
      const { rows: held } = await client.query('SELECT count(*)::int AS n FROM company_plans WHERE workspace_id = $1', [workspaceId]);
      if (held[0].n >= MAX_PLANS) throw new PlanLimitError();
      const { rows: made } = await client.query('INSERT INTO company_plans (workspace_id, name) VALUES ($1, $2) RETURNING id::text', [workspaceId, name]);
      return made[0].id;
    });
  }
}
