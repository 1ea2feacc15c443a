import type { ContactState } from '../domain/contact.state.js';

/**
 * The SQL over the contacts read model: its typed columns and the JSON paths of the stored state
 * (`contacts.state` holds a ContactState). Every SQL builder takes paths from here, so the state's
 * names live in one place; the migrations keep theirs as they were written. `row` is the table alias.
 */
type StateKey = keyof ContactState & string;

export const contactColumns = (row = 'c') => ({
  id: `${row}.id`,
  role: `${row}.role`,
  emailLower: `${row}.email_lower`,
  externalId: `${row}.external_id`,
  createdAt: `${row}.created_at`,
  /** A value of the state as text, NULL where absent. */
  text: (key: StateKey) => `(${row}.state->>'${key}')`,
  /** A whole-number value of the state (times, owner id). */
  bigint: (key: StateKey) => `(${row}.state->>'${key}')::bigint`,
  /** A number of the state, NULL where it holds none: what the row's time indexes hold (migration 1764200001130). */
  number: (key: StateKey) => `(CASE jsonb_typeof(${row}.state->'${key}') WHEN 'number' THEN (${row}.state->>'${key}')::numeric END)`,
  /** The custom attributes, `{}` where none: what the row's containment index holds (migration 1764200001130). */
  customAttributes: `coalesce(${row}.state->'custom_attributes', '{}'::jsonb)`,
  /** A list of ids of the state, as jsonb (tag_ids, company_ids, note_ids). */
  ids: (key: 'tag_ids' | 'company_ids' | 'note_ids') => `${row}.state->'${key}'`,
  /** One custom attribute, as jsonb; `name` is a bound parameter. */
  customAttribute: (name: string) => `${row}.state->'custom_attributes'->${name}`,
  /** Archived contacts never list or search. The same expression is the predicate of the partial list index. */
  visible: `(${row}.state->>'archived') IS DISTINCT FROM 'true'`,
  archived: `coalesce((${row}.state->>'archived')::boolean, false)`,
  unsubscribed: `coalesce((${row}.state->>'unsubscribed_from_emails')::boolean, false)`,
});
