import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { PG_POOL, PostgresEventStore } from '@app/event-store';
import type pg from 'pg';
import { isCompanyEvent, toCompanyEvent } from '../domain/company.events.js';
import { CompanyNotFoundError } from '../domain/company.errors.js';
import { type CompanyState, evolveCompany } from '../domain/company.state.js';
import { type ContactChange, type HistoryPage, decodeHistoryCursor, diffStates, historyPage } from '../history/history-page.js';
import { SNAPSHOT_EVERY } from '../store/read-model.projection.js';

/** GET /companies/{id}/history: the company's audit trail, its events oldest first, each as a field diff. */
export class GetCompanyHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly workspaceId: string,
    readonly companyId: string,
    readonly perPage: number,
    readonly startingAfter: string | null,
  ) {
    super();
  }
}

const SNAPSHOT = `
  SELECT version, state FROM company_snapshots WHERE workspace_id = $1 AND company_id = $2 AND version <= $3 ORDER BY version DESC LIMIT 1`;

/**
 * A page is a range of stream positions, as for contacts (history/get-contact-history.handler.ts): it folds
 * from the nearest snapshot at or before the page's start, so it reads at most SNAPSHOT_EVERY + per_page
 * events. A deleted company keeps its trail.
 */
@QueryHandler(GetCompanyHistoryQuery)
export class GetCompanyHistoryHandler implements IQueryHandler<GetCompanyHistoryQuery, HistoryPage> {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  async execute({ workspaceId, companyId, perPage, startingAfter }: GetCompanyHistoryQuery): Promise<HistoryPage> {
    const offset = startingAfter === null ? 0 : decodeHistoryCursor(startingAfter);
    const total = await this.store.streamVersion(workspaceId, companyId);
    const [first] = total > 0 ? await this.store.readStreamRange(workspaceId, companyId, 1, 1) : [];
    if (!first || !isCompanyEvent(first.type)) throw new CompanyNotFoundError();
    const last = Math.min(total, offset + perPage);
    const items: ContactChange[] = [];
    if (offset < last) {
      const { rows } = await this.pool.query({ name: 'company_snapshot_at_or_before', text: SNAPSHOT, values: [workspaceId, companyId, offset] });
      let state: CompanyState | null = rows[0]?.state ?? null;
      for (let from = (rows[0] ? Number(rows[0].version) : 0) + 1; from <= last; from += SNAPSHOT_EVERY) {
        for (const event of await this.store.readStreamRange(workspaceId, companyId, from, Math.min(last, from + SNAPSHOT_EVERY - 1))) {
          const before = state;
          state = evolveCompany(state, toCompanyEvent(event));
          if (event.streamPosition <= offset) continue;
          items.push({
            id: event.eventId,
            version: event.streamPosition,
            event_type: event.type,
            occurred_at: event.data.occurred_at as number,
            actor: event.metadata.actor ?? null,
            request_id: event.metadata.request_id ?? null,
            changes: diffStates(before, state),
          });
        }
      }
    }
    return historyPage(items, total, offset, perPage);
  }
}
