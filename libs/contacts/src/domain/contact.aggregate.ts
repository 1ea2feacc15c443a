import {
  CUSTOM_PREFIX,
  type ContactEvent,
  type CustomValue,
  type FieldChanges,
  type MergedData,
  WRITABLE_FIELDS,
  type WritableFields,
} from './contact.events.js';
import { checkCustomAttribute, checkCustomAttributeCount } from './contact-attributes.js';
import { MAX_COMPANIES } from './contact-relations.aggregate.js';
import { CompanyLimitExceededError, ContactIdentityMissingError, EmailVerifiedWithoutEmailError, InvalidMergeError, NotDuplicatesError, OwnerNotAdminError, UserToLeadError } from './contact.errors.js';
import type { ContactState, DataType } from './contact.state.js';

/**
 * The contact aggregate's decisions: pure functions of the state and the command that check the
 * invariants and return the events to record (none when nothing would change). State changes only in
 * `evolve` (contact.state.ts). Tags, companies, notes and consent: contact-relations.aggregate.ts.
 */

/** A request's fields: absent means "leave as is", null means "clear". */
export type ContactPatch = { [K in keyof WritableFields]?: WritableFields[K] | null } & {
  custom_attributes?: Record<string, CustomValue | null> | null;
};

/** What a decision needs to know of the world, gathered before it decides. */
export interface DecisionContext {
  now: number;
  /** Active contact data attributes by name. */
  dataAttributes: ReadonlyMap<string, DataType>;
  /** Admin ids of the workspace. */
  admins: ReadonlySet<number>;
}

export function createContact(id: string, workspaceId: string, input: ContactPatch, context: DecisionContext): ContactEvent[] {
  if (input.email == null && input.external_id == null && input.role == null) throw new ContactIdentityMissingError();
  if (input.email_verified !== undefined && input.email == null) throw new EmailVerifiedWithoutEmailError();
  checkOwner(input.owner_id, context);
  const custom: Record<string, CustomValue> = {};
  for (const [name, value] of Object.entries(input.custom_attributes ?? {})) {
    checkCustomAttribute(name, value, context.dataAttributes);
    if (value !== null) custom[name] = value;
  }
  checkCustomAttributeCount({}, custom);
  return [
    {
      type: 'ContactCreated',
      data: {
        contact_id: id,
        workspace_id: workspaceId,
        role: input.role ?? 'user',
        external_id: input.external_id ?? null,
        email: input.email ?? null,
        ...(input.email_verified != null ? { email_verified: input.email_verified } : {}),
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
    },
  ];
}

/** Partial update: one ContactUpdated with the fields that really change, or nothing. */
export function updateContact(state: ContactState, patch: ContactPatch, context: DecisionContext): ContactEvent[] {
  if (patch.role === 'lead' && state.role === 'user') throw new UserToLeadError();
  if (patch.owner_id !== state.owner_id) checkOwner(patch.owner_id, context);
  const changes: FieldChanges = {};
  for (const field of WRITABLE_FIELDS) {
    if (patch[field] === undefined) continue;
    const to = patch[field] ?? (field === 'unsubscribed_from_emails' ? false : null);
    if (field === 'role' && to === null) continue;
    if (to !== state[field]) changes[field] = { from: state[field], to };
  }
  verificationChange(state, patch, changes);
  const custom = patch.custom_attributes === null ? clearAll(state.custom_attributes) : (patch.custom_attributes ?? {});
  for (const [name, value] of Object.entries(custom)) {
    // Clearing a value stays possible after its data attribute was archived.
    const held = Object.hasOwn(state.custom_attributes, name);
    if (value !== null || !held) checkCustomAttribute(name, value, context.dataAttributes);
    const from = held ? state.custom_attributes[name] : null;
    if (value !== from) changes[CUSTOM_PREFIX + name] = { from, to: value };
  }
  checkCustomAttributeCount(state.custom_attributes, custom);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'ContactUpdated', data: { changes, occurred_at: context.now } }];
}

export type LifecycleAction = 'archive' | 'unarchive' | 'block' | 'delete';

/** Archive, unarchive and block record nothing when the contact is already so; delete is final and always recorded. */
export function changeLifecycle(state: ContactState, action: LifecycleAction, { now }: DecisionContext): ContactEvent[] {
  const at = { occurred_at: now };
  switch (action) {
    case 'archive':
      return state.archived ? [] : [{ type: 'ContactArchived', data: at }];
    case 'unarchive':
      return state.archived ? [{ type: 'ContactUnarchived', data: at }] : [];
    case 'block':
      return state.blocked ? [] : [{ type: 'ContactBlocked', data: at }];
    case 'delete':
      return [{ type: 'ContactDeleted', data: at }];
  }
}

/**
 * Erases a contact whatever its lifecycle (a deleted or merged-away contact's log still holds its values): one
 * ContactErased, or nothing when it is erased already. `adminId`: the admin who asked, when known.
 */
export function eraseContact(state: ContactState, adminId: number | null, { now }: Pick<DecisionContext, 'now'>): ContactEvent[] {
  return state.erased ? [] : [{ type: 'ContactErased', data: { admin_id: adminId, occurred_at: now } }];
}

/** What a merge records: the lead's values and relations on the user's stream, the end on the lead's. */
export interface MergeEvents {
  lead: ContactEvent[];
  user: ContactEvent[];
}

/**
 * Merges a lead into a user: the lead's values fill the user's empty fields and custom attributes,
 * its tags, companies, notes and subscriptions move over. Both streams record it.
 */
export function mergeContacts(lead: ContactState, user: ContactState, { now }: DecisionContext, requireDuplicate = false): MergeEvents {
  if (lead.id === user.id) throw new InvalidMergeError('A contact cannot be merged into itself');
  if (lead.role !== 'lead') throw new InvalidMergeError("Merge source must be a lead: Merge source_user cannot have role='user_role'");
  if (user.role !== 'user') throw new InvalidMergeError('Merge target must be a user');
  if (requireDuplicate && !isDuplicate(lead, user)) throw new NotDuplicatesError();
  // The user keeps Intercom's cap on companies: the lead's are added to the user's.
  if (new Set([...user.company_ids, ...lead.company_ids]).size > MAX_COMPANIES) throw new CompanyLimitExceededError(MAX_COMPANIES);
  const changes: FieldChanges = {};
  for (const field of WRITABLE_FIELDS) {
    if (field === 'role' || field === 'unsubscribed_from_emails') continue;
    if (user[field] === null && lead[field] !== null) changes[field] = { from: null, to: lead[field] };
  }
  if (changes.email && lead.email_verified != null) changes.email_verified = { from: user.email_verified ?? null, to: lead.email_verified };
  for (const [name, value] of Object.entries(lead.custom_attributes)) {
    if (!Object.hasOwn(user.custom_attributes, name)) changes[CUSTOM_PREFIX + name] = { from: null, to: value };
  }
  checkCustomAttributeCount(user.custom_attributes, lead.custom_attributes);
  const moved: MergedData = {
    changes,
    tag_ids: lead.tag_ids,
    company_ids: lead.company_ids,
    note_ids: lead.note_ids,
    // The user's own choice for a subscription type stands over the lead's.
    opted_in_ids: lead.opted_in_ids.filter((id) => !user.opted_out_ids.includes(id)),
    opted_out_ids: lead.opted_out_ids.filter((id) => !user.opted_in_ids.includes(id)),
  };
  return {
    user: [{ type: 'ContactMergedFrom', data: { from_contact_id: lead.id, ...moved, occurred_at: now } }],
    lead: [{ type: 'ContactMergedInto', data: { into_contact_id: user.id, occurred_at: now } }],
  };
}

/** Duplicates share an email (any case) or a phone number. */
function isDuplicate(a: ContactState, b: ContactState): boolean {
  const sameEmail = a.email !== null && b.email !== null && a.email.toLowerCase() === b.email.toLowerCase();
  return sameEmail || (a.phone !== null && a.phone === b.phone);
}

/** email_verified is said of the email sent with it; a new email that comes without it is not known to be verified. */
function verificationChange(state: ContactState, patch: ContactPatch, changes: FieldChanges): void {
  if (patch.email_verified !== undefined && patch.email == null) throw new EmailVerifiedWithoutEmailError();
  const from = state.email_verified ?? null;
  const to = patch.email_verified !== undefined ? patch.email_verified : changes.email ? null : from;
  if (to !== from) changes.email_verified = { from, to };
}

function checkOwner(ownerId: number | null | undefined, context: DecisionContext): void {
  if (ownerId != null && !context.admins.has(ownerId)) throw new OwnerNotAdminError();
}

function clearAll(custom: Record<string, CustomValue>): Record<string, null> {
  return Object.fromEntries(Object.keys(custom).map((name) => [name, null]));
}
