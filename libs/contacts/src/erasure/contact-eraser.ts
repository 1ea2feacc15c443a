import { type EventMetadata, PersonalDataCodec, type PostgresEventStore, dataKeyErasure, parkedErrorsErasure, storedAnswersErasure } from '@app/event-store';
import type pg from 'pg';
import { eraseContact } from '../domain/contact.aggregate.js';
import { ErasingAdminNotFoundError } from '../domain/contact.errors.js';
import { dataEventStreamId } from '../domain/data-event.events.js';
import { ContactSnapshots } from '../store/contact-snapshots.repository.js';
import { ContactRepository } from '../store/contact.repository.js';
import { DecisionContexts } from '../store/decision-context.js';

/** A statement of the erasure's append (it may read the `stream` CTE) over a table that holds copies of a contact's values. */
export type ErasureStatement = (workspaceId: string, contactId: string, bind: (value: unknown) => string) => string;

/** What an erasure answers, the first time and every time after. */
export interface ErasedContact {
  type: 'contact';
  id: string;
  erased: true;
}

/** Leads merged into a user, erased per round: each round is at most this many transactions of one contact each. */
const LEADS_PER_ROUND = 100;

/** The copies the event store keeps: the data key (crypto-shredding of the log), parked events' errors, stored answers. */
const EVENT_STORE_STATEMENTS: readonly ErasureStatement[] = [
  (workspaceId, contactId, bind) => dataKeyErasure(workspaceId, contactId, bind),
  (workspaceId, contactId, bind) => parkedErrorsErasure(workspaceId, [contactId, dataEventStreamId(contactId)], bind),
  (workspaceId, contactId, bind) => storedAnswersErasure(workspaceId, [contactId, dataEventStreamId(contactId)], bind),
];

/**
 * Erasure of a contact's personal data (docs/erasure.md): one append of ContactErased whose statement also deletes
 * the contact's data key, its read-model rows (the projection's part, read-model.projection.ts) and every other copy
 * (`statements`: the event store's, and those the app adds, such as the webhook deliveries'). All of it commits
 * together or not at all. A user's merged leads are the same person: each is erased first, in its own transaction,
 * so that an erasure cut short is completed by asking again. Outside Nest too (the CLI builds one).
 */
export class ContactEraser {
  private readonly statements: readonly ErasureStatement[];

  constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
    private readonly contacts: ContactRepository,
    private readonly snapshots: ContactSnapshots,
    private readonly contexts: DecisionContexts,
    statements: readonly ErasureStatement[],
  ) {
    this.statements = [...EVENT_STORE_STATEMENTS, ...statements];
  }

  /** Erases the contact (404 when there is none); erasing it again writes nothing and answers the same. */
  async erase(workspaceId: string, contactId: string, adminId: number | null, metadata: EventMetadata, now: number): Promise<ErasedContact> {
    if (adminId !== null && !(await this.contexts.get(workspaceId, true)).context.admins.has(adminId)) throw new ErasingAdminNotFoundError();
    const done = new Set<string>();
    for (;;) {
      const leads = (await this.mergedLeads(workspaceId, contactId)).filter((id) => !done.has(id));
      if (leads.length === 0) break;
      for (const lead of leads) {
        await this.eraseOne(workspaceId, lead, adminId, metadata, now);
        done.add(lead);
      }
    }
    await this.eraseOne(workspaceId, contactId, adminId, metadata, now);
    return { type: 'contact', id: contactId, erased: true };
  }

  private async eraseOne(workspaceId: string, contactId: string, adminId: number | null, metadata: EventMetadata, now: number): Promise<void> {
    const fold = async () => ({ workspaceId, id: contactId, ...(await this.snapshots.current(workspaceId, contactId)), cached: false });
    const extra = (bind: (value: unknown) => string) => this.statements.map((statement) => statement(workspaceId, contactId, bind));
    const write = await this.contacts.changeFromLog({ workspaceId, id: contactId }, metadata, fold, (state) => eraseContact(state, adminId, { now }), extra);
    // Committed: this process forgets the key at once; other replicas within the codec's read trust.
    if (write.events.length > 0 && this.store.codec instanceof PersonalDataCodec) this.store.codec.forget(workspaceId, contactId);
  }

  private async mergedLeads(workspaceId: string, userId: string): Promise<string[]> {
    const { rows } = await this.pool.query({
      name: 'erasure_merged_leads',
      text: 'SELECT from_id FROM contact_merges WHERE workspace_id = $1 AND into_id = $2 ORDER BY from_id LIMIT $3',
      values: [workspaceId, userId, LEADS_PER_ROUND],
    });
    return rows.map((row) => row.from_id);
  }
}

/** An eraser outside Nest (the CLI): the same repository and statements as the API's. */
export function contactEraser(pool: pg.Pool, store: PostgresEventStore, statements: readonly ErasureStatement[]): ContactEraser {
  const contexts = new DecisionContexts(pool);
  return new ContactEraser(pool, store, new ContactRepository(pool, store, contexts), new ContactSnapshots(pool, store), contexts, statements);
}
