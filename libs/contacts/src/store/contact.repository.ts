import { Inject, Injectable } from '@nestjs/common';
import { type EventMetadata, EventTooLargeError, type InlineProjection, PG_POOL, PostgresEventStore, StreamVersionConflictError, nameInIdempotentAnswer } from '@app/event-store';
import { type ExpectedVersions, IntercomError, PreconditionFailedError, allows } from '@app/intercom';
import type pg from 'pg';
import type { DecisionContext, MergeEvents } from '../domain/contact.aggregate.js';
import { ChangeTooLargeError, ContactBusyError, ContactConflictError, ContactNotFoundError } from '../domain/contact.errors.js';
import type { ContactEvent } from '../domain/contact.events.js';
import type { ContactState } from '../domain/contact.state.js';
import { contactColumns } from './contact-state.columns.js';
import { DecisionContexts } from './decision-context.js';
import { ReadBatcher } from './read-batcher.js';
import { inlineProjection, projectEvents } from './read-model.projection.js';
import { WriteQueues } from './write-queues.js';

export const CONTACT_STREAM = 'contact';
const MAX_ATTEMPTS = 8;

/** A row of the contacts read model: the folded state and the stream version it reflects. */
export interface ContactView {
  state: ContactState;
  version: number;
}

/** A contact's stream as a decision sees it. `cached`: read from this process's memory, which may be stale. */
export interface ContactStream {
  workspaceId: string;
  id: string;
  state: ContactState | null;
  version: number;
  cached: boolean;
}

export type Decide = (state: ContactState, context: DecisionContext) => ContactEvent[];

/** What a write committed: the read-model row, the events it recorded (none when nothing changed), and the state they were decided on. */
export interface ContactWrite extends ContactView {
  events: ContactEvent[];
  decidedOn: ContactState;
}

/** A decision made from cached knowledge that failed or changed nothing: only fresh knowledge can tell. */
const STALE = Symbol('stale');

const c = contactColumns('c');
// The contact's data key comes along (codec.remember), so that the write after a load makes no round trip for it.
const LOAD = `SELECT c.id, c.state, c.version, k.master_key_id, k.wrapped_key, k.owner_id IS NOT NULL AS has_key
                FROM contacts c LEFT JOIN es_data_keys k ON k.workspace_id = c.workspace_id AND k.owner_id = c.id
               WHERE c.workspace_id = $1 AND c.id = ANY($2::text[])`;

interface LoadRow {
  id: string;
  state: ContactState;
  version: number;
  master_key_id: string | null;
  wrapped_key: Buffer | null;
  has_key: boolean;
}

/**
 * The one write mechanism: load, decide, save. Saving appends the events with the expected version
 * and projects them in the same statement. Writers of one contact queue up in this process; a stale
 * version (another replica wrote first) or a stale cached decision is retried from a fresh load.
 */
@Injectable()
export class ContactRepository {
  private readonly queues = new WriteQueues();
  // Concurrent loads (a merge's two, writers of different contacts) share a query, as ContactViews' reads do. A load
  // starts inside its contact's write queue, so its query is sent after the previous write of that contact committed.
  private readonly loads = new ReadBatcher<LoadRow>(
    async (workspaceId, ids) => {
      const { rows } = await this.pool.query<LoadRow>({ name: 'contacts_load_many', text: LOAD, values: [workspaceId, ids] });
      return new Map(rows.map((row) => [row.id, row]));
    },
    64,
    (row) => ({ ...row, state: structuredClone(row.state) }),
  );

  constructor(
    @Inject(PG_POOL) protected readonly pool: pg.Pool,
    protected readonly store: PostgresEventStore,
    private readonly contexts: DecisionContexts,
  ) {}

  /**
   * Changes an existing contact; a missing one is ContactNotFoundError, before `decide` runs. `expected` (If-Match):
   * the versions the change may be decided on, else PreconditionFailedError; the append's expected version is the one
   * checked, so a write that lands in between fails the append and the retry, from a fresh load, refuses.
   */
  change(workspaceId: string, id: string, metadata: EventMetadata, decide: Decide, expected: ExpectedVersions = null): Promise<ContactWrite> {
    return this.run([workspaceId, id], async (fresh) => {
      const [stream, { context, cached }] = await Promise.all([this.load(workspaceId, id, fresh), this.contexts.get(workspaceId, fresh)]);
      if (!stream.state) throw new ContactNotFoundError();
      if (!allows(expected, stream.version)) return refuseUnlessCached(stream);
      const events = decideOrStale(stream.cached || cached, () => decide(stream.state!, context));
      if (events === STALE) return STALE;
      if (events.length > 0) return { ...(await this.save(stream, events, metadata)), events, decidedOn: stream.state };
      if (stream.cached || cached) return STALE;
      // Nothing is appended, but the answer may still show the contact: its erasure must find that answer too.
      nameInIdempotentAnswer(id);
      return { state: stream.state, version: stream.version, events, decidedOn: stream.state };
    });
  }

  create(workspaceId: string, id: string, metadata: EventMetadata, decide: (context: DecisionContext) => ContactEvent[]): Promise<ContactView> {
    return this.run([workspaceId, id], async (fresh) => {
      const { context, cached } = await this.contexts.get(workspaceId, fresh);
      const events = decideOrStale(cached, () => decide(context));
      if (events === STALE) return STALE;
      return this.save({ workspaceId, id, state: null, version: 0, cached: false }, events, metadata);
    });
  }

  /** Merges a lead into a user: both streams change in one transaction. Returns the user, whose version `expected` guards. */
  merge(
    workspaceId: string,
    leadId: string,
    userId: string,
    metadata: EventMetadata,
    decide: (lead: ContactState, user: ContactState, context: DecisionContext) => MergeEvents,
    expected: ExpectedVersions = null,
  ): Promise<ContactView> {
    return this.run([workspaceId, leadId, workspaceId, userId], async () => {
      const [lead, user, { context }] = await Promise.all([this.load(workspaceId, leadId, true), this.load(workspaceId, userId, true), this.contexts.get(workspaceId)]);
      if (!lead.state || !user.state) throw new ContactNotFoundError();
      if (!allows(expected, user.version)) throw new PreconditionFailedError();
      const events = decide(lead.state, user.state, context);
      const [userView] = await this.saveAll([[user, events.user], [lead, events.lead]], metadata);
      return userView;
    });
  }

  /**
   * Changes a contact whatever its lifecycle: `fold` reads its state from the log, since a deleted or merged-away
   * contact has no row (erasure). `extra`: statements over other tables, run in the same append statement.
   */
  changeFromLog(
    stream: { workspaceId: string; id: string },
    metadata: EventMetadata,
    fold: () => Promise<ContactStream>,
    decide: (state: ContactState) => ContactEvent[],
    extra: InlineProjection,
  ): Promise<ContactWrite> {
    return this.run([stream.workspaceId, stream.id], async () => {
      const folded = await fold();
      if (!folded.state) throw new ContactNotFoundError();
      const events = decide(folded.state);
      if (events.length === 0) {
        nameInIdempotentAnswer(stream.id);
        return { state: folded.state, version: folded.version, events, decidedOn: folded.state };
      }
      const [view] = await this.saveAll([[folded, events, extra]], metadata);
      return { ...view, events, decidedOn: folded.state };
    });
  }

  async load(workspaceId: string, id: string, _fresh = true): Promise<ContactStream> {
    const row = await this.loads.load(workspaceId, id);
    if (row) this.store.codec.remember?.(workspaceId, id, row.has_key ? row : null);
    return { workspaceId, id, state: row?.state ?? null, version: row?.version ?? 0, cached: false };
  }

  /** Appends the events and projects them in the same statement; returns the committed row. */
  async save(stream: ContactStream, events: ContactEvent[], metadata: EventMetadata): Promise<ContactView> {
    const [view] = await this.saveAll([[stream, events]], metadata);
    return view;
  }

  /** Several streams in one transaction (a merge): all or nothing. A write's `extra` statements run in its append. */
  async saveAll(writes: [ContactStream, ContactEvent[], InlineProjection?][], metadata: EventMetadata): Promise<ContactView[]> {
    const changes = writes.map(([stream, events]) => projectEvents(stream.state, stream.version, events));
    const requests = writes.map(([stream, events, extra], i) => ({
      workspaceId: stream.workspaceId,
      streamId: stream.id,
      streamType: CONTACT_STREAM,
      expectedVersion: stream.version,
      events,
      metadata,
      projection: withExtra(inlineProjection(stream.workspaceId, stream.id, changes[i]), extra),
    }));
    try {
      const results = requests.length === 1 ? [await this.store.append<ContactView>(requests[0])] : await this.store.appendAll<ContactView>(requests);
      // A deleted or merged-away contact has no row any more: its final state is the fold's.
      return results.map((result, i) => (result.projected[0]?.state ? result.projected[0] : { state: changes[i].state!, version: result.version }));
    } catch (error) {
      if (error instanceof EventTooLargeError) throw new ChangeTooLargeError(error.bytes, error.limit);
      throw await this.explainUniqueViolation(error, changes[0].state!);
    }
  }

  private async explainUniqueViolation(error: unknown, state: ContactState): Promise<unknown> {
    const constraint = (error as { code?: string; constraint?: string }).code === '23505' ? (error as { constraint?: string }).constraint : undefined;
    if (constraint !== 'contacts_user_email_key' && constraint !== 'contacts_user_external_id_key') return error;
    const byEmail = constraint === 'contacts_user_email_key';
    const { rows } = await this.pool.query(
      `SELECT ${c.id} AS id, ${c.archived} AS archived FROM contacts c
        WHERE c.workspace_id = $1 AND ${c.role} = 'user' AND ${byEmail ? `${c.emailLower} = lower($2)` : `${c.externalId} = $2`}`,
      [state.workspace_id, byEmail ? state.email : state.external_id],
    );
    return rows[0] ? new ContactConflictError(rows[0].id, rows[0].archived) : error;
  }

  /** The one retry loop: version conflicts back off and reload; stale cached decisions reload at once. */
  private run<T>(keys: string[], attempt: (fresh: boolean) => Promise<T | typeof STALE>): Promise<T> {
    return this.queues.serialize(keys, async () => {
      let fresh = false;
      for (let n = 1; ; n++) {
        try {
          const result = await attempt(fresh);
          if (result !== STALE) return result as T;
        } catch (error) {
          if (!(error instanceof StreamVersionConflictError) && !isDeadlock(error)) throw error;
          if (n >= MAX_ATTEMPTS) throw new ContactBusyError();
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * n));
        }
        fresh = true;
      }
    });
  }
}

/**
 * The company counters that contact writes move (company_contact_stats, by trigger) are taken in company
 * order, but a merge takes them before contact_counts and other writes after it: PostgreSQL breaks such
 * a rare cycle by failing one transaction, which is then retried like a version conflict.
 */
const isDeadlock = (error: unknown) => (error as { code?: string }).code === '40P01';

/** The projection's statements, then `extra`'s: the first statement's rows stay the committed contact. */
const withExtra = (projection: InlineProjection, extra?: InlineProjection): InlineProjection =>
  extra ? (bind) => [...[projection(bind)].flat(), ...[extra(bind)].flat()] : projection;

/** A version remembered by this process may be behind the stream's: only a fresh load may fail a precondition. */
function refuseUnlessCached(stream: ContactStream): typeof STALE {
  if (stream.cached) return STALE;
  throw new PreconditionFailedError();
}

/** A refusal decided from cached knowledge is not trusted: only a decision from fresh knowledge may refuse. */
function decideOrStale(cached: boolean, decide: () => ContactEvent[]): ContactEvent[] | typeof STALE {
  try {
    return decide();
  } catch (error) {
    if (cached && error instanceof IntercomError) return STALE;
    throw error;
  }
}
