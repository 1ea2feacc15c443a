import {
  CUSTOM_PREFIX,
  type ConsentType,
  type ContactEvent,
  type CustomValue,
  type FieldChanges,
  type MergedData,
  WRITABLE_FIELDS,
  type WritableFields,
} from './contact.events.js';
import { checkCustomAttribute } from './contact-attributes.js';
import {
  CompanyLimitExceededError,
  ContactIdentityMissingError,
  InvalidMergeError,
  NotDuplicatesError,
  NoteAuthorNotFoundError,
  OwnerNotAdminError,
  UserToLeadError,
} from './contact.errors.js';
import { type ContactState, type DataType, evolve } from './contact.state.js';

export { type ContactState, type DataType, evolve } from './contact.state.js';

/** Intercom's cap on the companies of one contact. */
export const MAX_COMPANIES = 1000;

/** A request's fields: absent means "leave as is", null means "clear". */
export type ContactPatch = { [K in keyof WritableFields]?: WritableFields[K] | null } & {
  custom_attributes?: Record<string, CustomValue | null> | null;
};

/** What the aggregate needs to know of the world, gathered by the handler before it decides. */
export interface DecisionContext {
  now: number;
  /** Active contact data attributes by name. */
  dataAttributes: ReadonlyMap<string, DataType>;
  /** Admin ids of the workspace that the request mentions. */
  admins: ReadonlySet<number>;
}


export class Contact {
  private pending: ContactEvent[] = [];

  private constructor(
    private current: ContactState | null,
    /** The stream version the state was loaded at. */
    readonly version: number,
  ) {}

  static fromSnapshot(state: ContactState, version: number): Contact {
    return new Contact(state, version);
  }

  static fromEvents(events: ContactEvent[]): Contact {
    return new Contact(events.reduce<ContactState | null>(evolve, null), events.length);
  }

  static create(id: string, workspaceId: string, input: ContactPatch, context: DecisionContext): Contact {
    if (input.email == null && input.external_id == null && input.role == null) throw new ContactIdentityMissingError();
    checkOwner(input.owner_id, context);
    const custom: Record<string, CustomValue> = {};
    for (const [name, value] of Object.entries(input.custom_attributes ?? {})) {
      checkCustomAttribute(name, value, context.dataAttributes);
      if (value !== null) custom[name] = value;
    }
    const contact = new Contact(null, 0);
    contact.record({
      type: 'ContactCreated',
      data: {
        contact_id: id,
        workspace_id: workspaceId,
        role: input.role ?? 'user',
        external_id: input.external_id ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
        name: input.name ?? null,
        avatar: input.avatar ?? null,
        owner_id: input.owner_id ?? null,
        signed_up_at: input.signed_up_at ?? null,
        last_seen_at: input.last_seen_at ?? null,
        unsubscribed_from_emails: input.unsubscribed_from_emails ?? false,
        custom_attributes: custom,
        occurred_at: context.now,
      },
    });
    return contact;
  }

  /** Partial update: records one ContactUpdated with the fields that really change, or nothing. */
  update(patch: ContactPatch, context: DecisionContext): void {
    const state = this.state;
    if (patch.role === 'lead' && state.role === 'user') throw new UserToLeadError();
    if (patch.owner_id !== state.owner_id) checkOwner(patch.owner_id, context);
    const changes: FieldChanges = {};
    for (const field of WRITABLE_FIELDS) {
      if (patch[field] === undefined) continue;
      const to = patch[field] ?? (field === 'unsubscribed_from_emails' ? false : null);
      if (field === 'role' && to === null) continue;
      if (to !== state[field]) changes[field] = { from: state[field], to };
    }
    const custom = patch.custom_attributes === null ? clearAll(state.custom_attributes) : (patch.custom_attributes ?? {});
    for (const [name, value] of Object.entries(custom)) {
      // Clearing a value stays possible after its data attribute was archived.
      if (value !== null || !(name in state.custom_attributes)) checkCustomAttribute(name, value, context.dataAttributes);
      const from = state.custom_attributes[name] ?? null;
      if (value !== from) changes[CUSTOM_PREFIX + name] = { from, to: value };
    }
    if (Object.keys(changes).length === 0) return;
    this.record({ type: 'ContactUpdated', data: { changes, occurred_at: context.now } });
  }

  archive(now: number): void {
    if (!this.state.archived) this.record({ type: 'ContactArchived', data: { occurred_at: now } });
  }

  unarchive(now: number): void {
    if (this.state.archived) this.record({ type: 'ContactUnarchived', data: { occurred_at: now } });
  }

  block(now: number): void {
    if (!this.state.blocked) this.record({ type: 'ContactBlocked', data: { occurred_at: now } });
  }

  delete(now: number): void {
    this.record({ type: 'ContactDeleted', data: { occurred_at: now } });
  }

  tag(tagId: string, adminId: number | null, now: number): void {
    if (!this.state.tag_ids.includes(tagId)) this.record({ type: 'ContactTagged', data: { tag_id: tagId, admin_id: adminId, occurred_at: now } });
  }

  untag(tagId: string, now: number): void {
    if (this.state.tag_ids.includes(tagId)) this.record({ type: 'ContactUntagged', data: { tag_id: tagId, occurred_at: now } });
  }

  addNote(noteId: string, body: string, adminId: number, context: DecisionContext): void {
    if (!context.admins.has(adminId)) throw new NoteAuthorNotFoundError();
    this.record({ type: 'NoteAdded', data: { note_id: noteId, body, admin_id: adminId, occurred_at: context.now } });
  }

  attachCompany(companyId: string, now: number): void {
    if (this.state.company_ids.includes(companyId)) return;
    if (this.state.company_ids.length >= MAX_COMPANIES) throw new CompanyLimitExceededError(MAX_COMPANIES);
    this.record({ type: 'CompanyAttached', data: { company_id: companyId, occurred_at: now } });
  }

  detachCompany(companyId: string, now: number): void {
    if (this.state.company_ids.includes(companyId)) this.record({ type: 'CompanyDetached', data: { company_id: companyId, occurred_at: now } });
  }

  setConsent(subscriptionTypeId: string, consentType: ConsentType, now: number): void {
    const current = this.consentFor(subscriptionTypeId);
    if (current !== consentType) {
      this.record({ type: 'SubscriptionConsentSet', data: { subscription_type_id: subscriptionTypeId, consent_type: consentType, occurred_at: now } });
    }
  }

  removeConsent(subscriptionTypeId: string, now: number): void {
    if (this.consentFor(subscriptionTypeId)) {
      this.record({ type: 'SubscriptionConsentRemoved', data: { subscription_type_id: subscriptionTypeId, occurred_at: now } });
    }
  }

  consentFor(subscriptionTypeId: string): ConsentType | null {
    if (this.state.opted_in_ids.includes(subscriptionTypeId)) return 'opt_in';
    return this.state.opted_out_ids.includes(subscriptionTypeId) ? 'opt_out' : null;
  }

  /**
   * Merges this lead into a user: the lead's values fill the user's empty fields and custom
   * attributes, its tags, companies, notes and subscriptions move over. Both streams record it.
   */
  mergeInto(user: Contact, now: number, requireDuplicate = false): void {
    const lead = this.state;
    if (lead.id === user.state.id) throw new InvalidMergeError('A contact cannot be merged into itself');
    if (lead.role !== 'lead') throw new InvalidMergeError("Merge source must be a lead: Merge source_user cannot have role='user_role'");
    if (user.state.role !== 'user') throw new InvalidMergeError('Merge target must be a user');
    if (requireDuplicate && !isDuplicate(lead, user.state)) throw new NotDuplicatesError();
    const changes: FieldChanges = {};
    for (const field of WRITABLE_FIELDS) {
      if (field === 'role' || field === 'unsubscribed_from_emails') continue;
      if (user.state[field] === null && lead[field] !== null) changes[field] = { from: null, to: lead[field] };
    }
    for (const [name, value] of Object.entries(lead.custom_attributes)) {
      if (!(name in user.state.custom_attributes)) changes[CUSTOM_PREFIX + name] = { from: null, to: value };
    }
    const moved: MergedData = {
      changes,
      tag_ids: lead.tag_ids,
      company_ids: lead.company_ids,
      note_ids: lead.note_ids,
      opted_in_ids: lead.opted_in_ids,
      opted_out_ids: lead.opted_out_ids,
    };
    user.record({ type: 'ContactMergedFrom', data: { from_contact_id: lead.id, ...moved, occurred_at: now } });
    this.record({ type: 'ContactMergedInto', data: { into_contact_id: user.state.id, occurred_at: now } });
  }

  get state(): ContactState {
    if (!this.current) throw new Error('contact has no state');
    return this.current;
  }

  get pendingEvents(): readonly ContactEvent[] {
    return this.pending;
  }

  private record(event: ContactEvent): void {
    this.current = evolve(this.current, event);
    this.pending.push(event);
  }
}

/** Duplicates share an email (any case) or a phone number. */
function isDuplicate(a: ContactState, b: ContactState): boolean {
  const sameEmail = a.email !== null && b.email !== null && a.email.toLowerCase() === b.email.toLowerCase();
  return sameEmail || (a.phone !== null && a.phone === b.phone);
}

function checkOwner(ownerId: number | null | undefined, context: DecisionContext): void {
  if (ownerId != null && !context.admins.has(ownerId)) throw new OwnerNotAdminError();
}

function clearAll(custom: Record<string, CustomValue>): Record<string, null> {
  return Object.fromEntries(Object.keys(custom).map((name) => [name, null]));
}

