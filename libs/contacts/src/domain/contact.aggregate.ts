import {
  CUSTOM_PREFIX,
  type ContactEvent,
  type CustomValue,
  type FieldChanges,
  WRITABLE_FIELDS,
  type WritableFields,
} from './contact.events.js';
import {
  ContactIdentityMissingError,
  CustomAttributeTypeError,
  OwnerNotAdminError,
  UnknownCustomAttributeError,
  UserToLeadError,
} from './contact.errors.js';

export type DataType = 'string' | 'integer' | 'float' | 'boolean' | 'date' | 'datetime';

export interface ContactState extends WritableFields {
  id: string;
  workspace_id: string;
  custom_attributes: Record<string, CustomValue>;
  created_at: number;
  updated_at: number;
}

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

/** Folds one event into the state. Deterministic: everything it needs is in the event. */
export function evolve(state: ContactState | null, event: ContactEvent): ContactState {
  if (event.type === 'ContactCreated') {
    const { contact_id, workspace_id, occurred_at, custom_attributes, ...fields } = event.data;
    return { id: contact_id, workspace_id, ...fields, custom_attributes: { ...custom_attributes }, created_at: occurred_at, updated_at: occurred_at };
  }
  if (!state) throw new Error(`${event.type} before ContactCreated`);
  const next: ContactState = { ...state, custom_attributes: { ...state.custom_attributes }, updated_at: event.data.occurred_at };
  for (const [field, { to }] of Object.entries(event.data.changes)) {
    if (field.startsWith(CUSTOM_PREFIX)) {
      const name = field.slice(CUSTOM_PREFIX.length);
      if (to === null) delete next.custom_attributes[name];
      else next.custom_attributes[name] = to as CustomValue;
    } else {
      (next as unknown as Record<string, unknown>)[field] = to;
    }
  }
  return next;
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
      checkCustomAttribute(name, value, context);
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
      if (value !== null || !(name in state.custom_attributes)) checkCustomAttribute(name, value, context);
      const from = state.custom_attributes[name] ?? null;
      if (value !== from) changes[CUSTOM_PREFIX + name] = { from, to: value };
    }
    if (Object.keys(changes).length === 0) return;
    this.record({ type: 'ContactUpdated', data: { changes, occurred_at: context.now } });
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

function checkOwner(ownerId: number | null | undefined, context: DecisionContext): void {
  if (ownerId != null && !context.admins.has(ownerId)) throw new OwnerNotAdminError();
}

function clearAll(custom: Record<string, CustomValue>): Record<string, null> {
  return Object.fromEntries(Object.keys(custom).map((name) => [name, null]));
}

function checkCustomAttribute(name: string, value: CustomValue | null, context: DecisionContext): void {
  const dataType = context.dataAttributes.get(name);
  if (!dataType) throw new UnknownCustomAttributeError(name);
  if (value !== null && !matchesType(value, dataType)) throw new CustomAttributeTypeError(name, dataType);
}

function matchesType(value: CustomValue, dataType: DataType): boolean {
  switch (dataType) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
    case 'datetime':
      // Intercom dates are Unix seconds.
      return Number.isSafeInteger(value) && (value as number) >= 0;
  }
}
