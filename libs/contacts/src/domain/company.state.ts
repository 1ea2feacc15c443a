import { CUSTOM_PREFIX, type CustomValue } from './contact.events.js';
import type { CompanyEvent, CompanyFields } from './company.events.js';

export interface CompanyState extends CompanyFields {
  id: string;
  workspace_id: string;
  /** The client's own id for the company: set once, at creation. */
  company_id: string;
  custom_attributes: Record<string, CustomValue>;
  created_at: number;
  updated_at: number;
  /** In the order they were applied. */
  tag_ids: string[];
  /** How many notes the company holds (CompanyNoteAdded); absent is none. The company_notes positions run 1 to it. */
  note_count?: number;
  /** Set by the final event: such a company is gone from every read. */
  deleted?: boolean;
}

/** Folds one event into the state. Deterministic: everything it needs is in the event. */
export function evolveCompany(state: CompanyState | null, event: CompanyEvent): CompanyState {
  if (event.type === 'CompanyCreated') {
    const { occurred_at, custom_attributes, ...fields } = event.data;
    return { ...fields, custom_attributes: { ...custom_attributes }, created_at: occurred_at, updated_at: occurred_at, tag_ids: [] };
  }
  if (!state) throw new Error(`${event.type} before CompanyCreated`);
  // A note is not a change of the company: its updated_at stays.
  const updatedAt = event.type === 'CompanyNoteAdded' ? state.updated_at : event.data.occurred_at;
  const next: CompanyState = { ...state, custom_attributes: { ...state.custom_attributes }, updated_at: updatedAt };
  switch (event.type) {
    case 'CompanyUpdated':
      for (const [field, { to }] of Object.entries(event.data.changes)) {
        if (field.startsWith(CUSTOM_PREFIX)) {
          const name = field.slice(CUSTOM_PREFIX.length);
          if (to === null) delete next.custom_attributes[name];
          else next.custom_attributes[name] = to as CustomValue;
        } else {
          (next as unknown as Record<string, unknown>)[field] = to;
        }
      }
      break;
    case 'CompanyTagged':
      if (!next.tag_ids.includes(event.data.tag_id)) next.tag_ids = [...state.tag_ids, event.data.tag_id];
      break;
    case 'CompanyUntagged':
      next.tag_ids = state.tag_ids.filter((id) => id !== event.data.tag_id);
      break;
    case 'CompanyNoteAdded':
      next.note_count = (state.note_count ?? 0) + 1;
      break;
    case 'CompanyDeleted':
      next.deleted = true;
      break;
  }
  return next;
}
