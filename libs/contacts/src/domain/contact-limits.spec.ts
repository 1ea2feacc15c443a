import { LIMITS } from '@app/intercom';
import { describe, expect, it } from 'vitest';
import { createContact, mergeContacts, updateContact } from './contact.aggregate.js';
import { CustomAttributeLimitError } from './contact.errors.js';
import type { DataType } from './contact.state.js';
import { created, decisionContext, given } from './contact.fixtures.js';

const MAX = LIMITS.customAttributesPerObject;
const names = (from: number, count: number) => Array.from({ length: count }, (_, i) => `a${from + i}`);
const values = (keys: string[]): Record<string, string> => Object.fromEntries(keys.map((k) => [k, 'x']));
// Every attribute the scenarios use is defined: only the count limit may refuse.
const context = decisionContext({ dataAttributes: new Map(names(0, MAX * 2).map((n) => [n, 'string' as DataType])) });

describe('the number of custom attributes on a contact', () => {
  it('creates a contact with exactly the limit, and refuses one more', () => {
    expect(createContact('c1', 'w1', { email: 'a@b.c', custom_attributes: values(names(0, MAX)) }, context)).toHaveLength(1);
    given()
      .when(() => createContact('c1', 'w1', { email: 'a@b.c', custom_attributes: values(names(0, MAX + 1)) }, context), context)
      .thenThrows(CustomAttributeLimitError, `A contact can hold at most ${MAX} custom attributes; this change would leave it with ${MAX + 1}`);
  });

  it('counts the attributes after the update: held ones, plus new ones, less cleared ones', () => {
    const full = created({ custom_attributes: values(names(0, MAX)) });
    const state = given(full).state;
    expect(updateContact(state, { custom_attributes: { a0: 'changed' } }, context)).toHaveLength(1);
    expect(updateContact(state, { custom_attributes: { a0: null, [`a${MAX}`]: 'y' } }, context)).toHaveLength(1);
    given(full)
      .when((state) => updateContact(state, { custom_attributes: { [`a${MAX}`]: 'y' } }, context), context)
      .thenThrows(CustomAttributeLimitError);
  });

  it('refuses a merge that would leave the user over the limit', () => {
    const user = created({ custom_attributes: values(names(0, MAX - 1)) }).data;
    const lead = (count: number) => ({ ...user, contact_id: 'c2', role: 'lead' as const, custom_attributes: values(names(MAX, count)) });
    const merge = (leadCount: number) => () => {
      const users = given(created(user)).state;
      const leads = given(created(lead(leadCount))).state;
      return mergeContacts(leads, users, context).user;
    };
    expect(merge(1)()).toHaveLength(1);
    given().when(merge(2), context).thenThrows(CustomAttributeLimitError);
  });
});
