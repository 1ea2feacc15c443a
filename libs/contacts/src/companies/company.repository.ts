import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, EventTooLargeError, PG_POOL, PostgresEventStore, StreamVersionConflictError } from '@app/event-store';
import { type ExpectedVersions, PreconditionFailedError, allows, newObjectId, nowInSeconds } from '@app/intercom';
import type pg from 'pg';
import { ChangeTooLargeError } from '../domain/contact.errors.js';
import type { CompanyEvent } from '../domain/company.events.js';
import { CompanyBusyError, CompanyNotFoundError } from '../domain/company.errors.js';
import type { CompanyState } from '../domain/company.state.js';
import { WriteQueues } from '../store/write-queues.js';
import { inlineCompanyProjection, projectCompanyEvents } from './company.projection.js';

export const COMPANY_STREAM = 'company';
const MAX_ATTEMPTS = 8;
/** The read model's own guard against two creates of one company_id racing: the loser retries as an update. */
const COMPANY_ID_TAKEN = 'companies_workspace_id_company_id_key';

/** A companies row: the folded state and the stream version it reflects. */
export interface CompanyView {
  state: CompanyState;
  version: number;
}

/** What a write committed: the company as it now stands (its final state when it was deleted) and the events recorded. */
export interface CompanyWrite extends CompanyView {
  events: CompanyEvent[];
}

const LOAD = 'SELECT state, version FROM companies WHERE workspace_id = $1 AND id = $2';
const LOAD_BY_COMPANY_ID = 'SELECT state, version FROM companies WHERE workspace_id = $1 AND company_id = $2';

class Retry extends Error {}

/**
 * The company write mechanism, the contact repository's in small: load the read-model row (it carries
 * the stream version), decide, append with the expected version and project in the same statement.
 */
@Injectable()
export class CompanyRepository {
  private readonly queues = new WriteQueues();

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  /**
   * Changes an existing company; a missing (or deleted) one is CompanyNotFoundError, before `decide` runs. `expected`
   * (If-Match): the versions it may be decided on, else PreconditionFailedError, enforced by the append's expected version.
   */
  change(
    workspaceId: string,
    id: string,
    metadata: EventMetadata,
    decide: (state: CompanyState, now: number) => CompanyEvent[],
    expected: ExpectedVersions = null,
  ): Promise<CompanyWrite> {
    return this.run([workspaceId, id], async () => {
      const view = await this.find(LOAD, workspaceId, id);
      if (!view) throw new CompanyNotFoundError();
      if (!allows(expected, view.version)) throw new PreconditionFailedError();
      return this.save(workspaceId, id, view, decide(view.state, nowInSeconds()), metadata);
    });
  }

  /**
   * Intercom's create-or-update by company_id: `create` decides a new company's events, `update` an
   * existing one's. Two creates of one company_id at once: the read model's unique key refuses the
   * second, which then updates the first.
   */
  upsert(
    workspaceId: string,
    companyId: string,
    metadata: EventMetadata,
    create: (id: string, now: number) => CompanyEvent[],
    update: (state: CompanyState, now: number) => CompanyEvent[],
  ): Promise<CompanyWrite> {
    return this.run([workspaceId, `company_id:${companyId}`], async () => {
      const view = await this.find(LOAD_BY_COMPANY_ID, workspaceId, companyId);
      if (view) return this.save(workspaceId, view.state.id, view, update(view.state, nowInSeconds()), metadata);
      const id = newObjectId();
      return this.save(workspaceId, id, null, create(id, nowInSeconds()), metadata);
    });
  }

  async findByCompanyId(workspaceId: string, companyId: string): Promise<CompanyView | null> {
    return this.find(LOAD_BY_COMPANY_ID, workspaceId, companyId);
  }

  private async find(text: string, workspaceId: string, key: string): Promise<CompanyView | null> {
    const { rows } = await this.pool.query({ name: text === LOAD ? 'companies_load' : 'companies_load_by_company_id', text, values: [workspaceId, key] });
    return rows[0] ?? null;
  }

  private async save(workspaceId: string, id: string, view: CompanyView | null, events: CompanyEvent[], metadata: EventMetadata): Promise<CompanyWrite> {
    if (events.length === 0) return { ...view!, events };
    const version = view?.version ?? 0;
    const change = projectCompanyEvents(view?.state ?? null, version, events);
    try {
      const result = await this.store.append<CompanyView>({
        workspaceId,
        streamId: id,
        streamType: COMPANY_STREAM,
        expectedVersion: version,
        events,
        metadata,
        projection: inlineCompanyProjection(workspaceId, id, change),
      });
      return { state: result.projected[0]?.state ?? change.state!, version: result.version, events };
    } catch (error) {
      if (error instanceof EventTooLargeError) throw new ChangeTooLargeError(error.bytes, error.limit);
      if ((error as { constraint?: string }).constraint === COMPANY_ID_TAKEN) throw new Retry();
      throw error;
    }
  }

  private run<T>(keys: string[], attempt: () => Promise<T>): Promise<T> {
    return this.queues.serialize(keys, async () => {
      for (let n = 1; ; n++) {
        try {
          return await attempt();
        } catch (error) {
          if (!(error instanceof StreamVersionConflictError) && !(error instanceof Retry)) throw error;
          if (n >= MAX_ATTEMPTS) throw new CompanyBusyError();
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * n));
        }
      }
    });
  }
}
