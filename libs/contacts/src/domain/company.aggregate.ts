import { LIMITS } from '@app/intercom';
import { CUSTOM_PREFIX, type CustomValue, type FieldChanges } from './contact.events.js';
import { COMPANY_FIELDS, type CompanyEvent, type CompanyFields } from './company.events.js';
import { CompanyAttributeLimitError, CompanyNoteLimitError } from './company.errors.js';
import { NoteAuthorNotFoundError } from './contact.errors.js';
import type { CompanyState } from './company.state.js';

/**
 * The company aggregate's decisions: pure functions of the state and the command that return the
 * events to record (none when nothing would change). State changes only in `evolveCompany`.
 */

/** A request's fields: absent means "leave as is", null means "clear"; custom attributes merge per key. */
export type CompanyPatch = { [K in keyof CompanyFields]?: CompanyFields[K] | null } & {
  custom_attributes?: Record<string, CustomValue | null>;
};

export function createCompany(id: string, workspaceId: string, companyId: string, input: CompanyPatch, now: number): CompanyEvent[] {
  const custom: Record<string, CustomValue> = {};
  for (const [name, value] of Object.entries(input.custom_attributes ?? {})) if (value !== null) custom[name] = value;
  checkAttributeCount({}, custom);
  const fields = Object.fromEntries(COMPANY_FIELDS.map((field) => [field, input[field] ?? null])) as unknown as CompanyFields;
  // Without remote_created_at, Intercom's examples show it equal to created_at.
  fields.remote_created_at ??= now;
  return [{ type: 'CompanyCreated', data: { id, workspace_id: workspaceId, company_id: companyId, ...fields, custom_attributes: custom, occurred_at: now } }];
}

/** One CompanyUpdated with the fields that really change, or nothing. */
export function updateCompany(state: CompanyState, patch: CompanyPatch, now: number): CompanyEvent[] {
  const changes: FieldChanges = {};
  for (const field of COMPANY_FIELDS) {
    if (patch[field] === undefined) continue;
    const to = patch[field] ?? null;
    if (to !== state[field]) changes[field] = { from: state[field], to };
  }
  const custom = patch.custom_attributes ?? {};
  for (const [name, value] of Object.entries(custom)) {
    const from = Object.hasOwn(state.custom_attributes, name) ? state.custom_attributes[name] : null;
    if (value !== from) changes[CUSTOM_PREFIX + name] = { from, to: value };
  }
  checkAttributeCount(state.custom_attributes, custom);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'CompanyUpdated', data: { changes, occurred_at: now } }];
}

export function tagCompany(state: CompanyState, tagId: string, adminId: number | null, now: number): CompanyEvent[] {
  return state.tag_ids.includes(tagId) ? [] : [{ type: 'CompanyTagged', data: { tag_id: tagId, admin_id: adminId, occurred_at: now } }];
}

export function untagCompany(state: CompanyState, tagId: string, now: number): CompanyEvent[] {
  return state.tag_ids.includes(tagId) ? [{ type: 'CompanyUntagged', data: { tag_id: tagId, occurred_at: now } }] : [];
}

/**
 * A note on the company by `adminId`, an admin of the workspace (null: the caller named none that exists, 404).
 * A company holds at most LIMITS.notesPerCompany notes.
 */
export function addCompanyNote(state: CompanyState, noteId: string, body: string, adminId: number | null, now: number): CompanyEvent[] {
  if (adminId === null) throw new NoteAuthorNotFoundError();
  if ((state.note_count ?? 0) >= LIMITS.notesPerCompany) throw new CompanyNoteLimitError();
  return [{ type: 'CompanyNoteAdded', data: { note_id: noteId, body, admin_id: adminId, occurred_at: now } }];
}

/** Final and always recorded; detaching its contacts is theirs to record. */
export function deleteCompany(_state: CompanyState, now: number): CompanyEvent[] {
  return [{ type: 'CompanyDeleted', data: { occurred_at: now } }];
}

function checkAttributeCount(held: Readonly<Record<string, CustomValue>>, patch: Readonly<Record<string, CustomValue | null>>): void {
  let count = Object.keys(held).length;
  for (const [name, value] of Object.entries(patch)) {
    const had = Object.hasOwn(held, name);
    if (value === null && had) count--;
    else if (value !== null && !had) count++;
  }
  if (count > LIMITS.customAttributesPerObject) throw new CompanyAttributeLimitError(count);
}
