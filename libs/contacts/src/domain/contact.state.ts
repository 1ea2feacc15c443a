import { CUSTOM_PREFIX, type ContactEvent, type CustomValue, ERASED_VALUE, type FieldChanges, PERSONAL_FIELDS, type WritableFields } from './contact.events.js';

export type DataType = 'string' | 'integer' | 'float' | 'boolean' | 'date' | 'datetime';

export interface ContactState extends WritableFields {
  id: string;
  workspace_id: string;
  custom_attributes: Record<string, CustomValue>;
  created_at: number;
  updated_at: number;
  archived: boolean;
  blocked: boolean;
  /** Ids in the order they were attached. */
  tag_ids: string[];
  company_ids: string[];
  note_ids: string[];
  opted_in_ids: string[];
  opted_out_ids: string[];
  /** Set by the final events: such a contact is gone from every read. */
  deleted?: boolean;
  merged_into?: string;
  /** Set by ContactErased, final too: its personal values read as ERASED_VALUE. */
  erased?: boolean;
}

const without = (ids: string[], id: string) => ids.filter((x) => x !== id);
const union = (ids: string[], more: string[]) => [...ids, ...more.filter((id) => !ids.includes(id))];

function applyChanges(state: ContactState, changes: FieldChanges): void {
  for (const [field, { to }] of Object.entries(changes)) {
    if (field.startsWith(CUSTOM_PREFIX)) {
      const name = field.slice(CUSTOM_PREFIX.length);
      if (to === null) delete state.custom_attributes[name];
      else state.custom_attributes[name] = to as CustomValue;
    } else {
      (state as unknown as Record<string, unknown>)[field] = to;
    }
  }
}

/** Folds one event into the state. Deterministic: everything it needs is in the event. */
export function evolve(state: ContactState | null, event: ContactEvent): ContactState {
  if (event.type === 'ContactCreated') {
    const { contact_id, workspace_id, occurred_at, custom_attributes, ...fields } = event.data;
    return {
      id: contact_id,
      workspace_id,
      ...fields,
      custom_attributes: { ...custom_attributes },
      created_at: occurred_at,
      updated_at: occurred_at,
      archived: false,
      blocked: false,
      tag_ids: [],
      company_ids: [],
      note_ids: [],
      opted_in_ids: [],
      opted_out_ids: [],
    };
  }
  if (!state) throw new Error(`${event.type} before ContactCreated`);
  const next: ContactState = { ...state, custom_attributes: { ...state.custom_attributes }, updated_at: event.data.occurred_at };
  switch (event.type) {
    case 'ContactUpdated':
      applyChanges(next, event.data.changes);
      break;
    case 'ContactArchived':
    case 'ContactUnarchived':
      next.archived = event.type === 'ContactArchived';
      break;
    case 'ContactBlocked':
      next.blocked = true;
      break;
    case 'ContactDeleted':
      next.deleted = true;
      break;
    case 'ContactTagged':
      next.tag_ids = union(state.tag_ids, [event.data.tag_id]);
      break;
    case 'ContactUntagged':
      next.tag_ids = without(state.tag_ids, event.data.tag_id);
      break;
    case 'NoteAdded':
      next.note_ids = [...state.note_ids, event.data.note_id];
      break;
    case 'CompanyAttached':
      next.company_ids = union(state.company_ids, [event.data.company_id]);
      break;
    case 'CompanyDetached':
      next.company_ids = without(state.company_ids, event.data.company_id);
      break;
    case 'SubscriptionConsentSet': {
      const { subscription_type_id: id, consent_type } = event.data;
      next.opted_in_ids = consent_type === 'opt_in' ? union(state.opted_in_ids, [id]) : without(state.opted_in_ids, id);
      next.opted_out_ids = consent_type === 'opt_out' ? union(state.opted_out_ids, [id]) : without(state.opted_out_ids, id);
      break;
    }
    case 'SubscriptionConsentRemoved':
      next.opted_in_ids = without(state.opted_in_ids, event.data.subscription_type_id);
      next.opted_out_ids = without(state.opted_out_ids, event.data.subscription_type_id);
      break;
    case 'ContactMergedInto':
      next.merged_into = event.data.into_contact_id;
      break;
    case 'ContactErased':
      // The same state as a fold of the log once the key is gone (every sealed value reads as ERASED_VALUE).
      for (const field of PERSONAL_FIELDS) if (next[field] !== null) next[field] = ERASED_VALUE;
      for (const name of Object.keys(next.custom_attributes)) next.custom_attributes[name] = ERASED_VALUE;
      next.erased = true;
      break;
    case 'ContactMergedFrom':
      applyChanges(next, event.data.changes);
      next.tag_ids = union(state.tag_ids, event.data.tag_ids);
      next.company_ids = union(state.company_ids, event.data.company_ids);
      next.note_ids = union(state.note_ids, event.data.note_ids);
      next.opted_in_ids = union(state.opted_in_ids, event.data.opted_in_ids);
      next.opted_out_ids = union(state.opted_out_ids, event.data.opted_out_ids);
      break;
  }
  return next;
}
