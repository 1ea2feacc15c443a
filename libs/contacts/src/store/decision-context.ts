import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import { ByteBudgetCache, jsonBytes, nowInSeconds } from '@app/intercom';
import type pg from 'pg';
import type { DecisionContext } from '../domain/contact.aggregate.js';
import type { DataType } from '../domain/contact.state.js';

// A data attribute archived, or an admin added, by another replica is seen here within this long; a
// decision that fails on cached knowledge is redone with fresh (contact.repository.ts).
const TTL_MS = 5_000;
const BUDGET_BYTES = 8 * 1024 * 1024;

interface Known {
  dataAttributes: ReadonlyMap<string, DataType>;
  admins: ReadonlySet<number>;
  until: number;
}

const LOAD = `
  SELECT (SELECT coalesce(jsonb_object_agg(name, data_type), '{}'::jsonb)
            FROM data_attributes WHERE workspace_id = $1 AND model = 'contact' AND NOT archived) AS data_attributes,
         (SELECT coalesce(jsonb_agg(id), '[]'::jsonb) FROM admins WHERE workspace_id = $1) AS admins`;

/** What the workspace knows that decisions need: its active contact data attributes and its admins. */
@Injectable()
export class DecisionContexts {
  private readonly known = new ByteBudgetCache<Known>(BUDGET_BYTES, (k) => jsonBytes([[...k.dataAttributes], [...k.admins]]));

  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  /** `cached` says whether the answer came from memory, which may be up to TTL_MS old. */
  async get(workspaceId: string, fresh = false): Promise<{ context: DecisionContext; cached: boolean }> {
    const remembered = fresh ? undefined : this.known.get(workspaceId);
    if (remembered && remembered.until > Date.now()) return { context: contextOf(remembered), cached: true };
    const { rows } = await this.pool.query({ name: 'decision_context_load', text: LOAD, values: [workspaceId] });
    const known: Known = {
      dataAttributes: new Map(Object.entries(rows[0].data_attributes)) as Map<string, DataType>,
      admins: new Set<number>(rows[0].admins),
      until: Date.now() + TTL_MS,
    };
    this.known.set(workspaceId, known);
    return { context: contextOf(known), cached: false };
  }

  /** The workspace's data attributes changed here: the next decision reads them again. */
  forget(workspaceId: string): void {
    this.known.delete(workspaceId);
  }
}

const contextOf = ({ dataAttributes, admins }: Known): DecisionContext => ({ now: nowInSeconds(), dataAttributes, admins });
