import { describe, expect, it } from 'vitest';
import { eraseContact } from './contact.aggregate.js';
import { type ContactEvent, ERASED_VALUE } from './contact.events.js';
import { ADMIN, NOW, archived, created, deleted, erased, given, mergedInto, tagged, updated } from './contact.fixtures.js';

const erase = (...history: ContactEvent[]) => given(created(), ...history).when((state, context) => eraseContact(state, ADMIN, context));

describe('eraseContact', () => {
  it('records who and when only, and blanks every personal value of the state', () => {
    const state = erase(updated({ 'custom_attributes.plan': { from: 'free', to: 'pro' } })).thenRecords([erased(ADMIN)]);
    expect(state).toMatchObject({ erased: true, updated_at: NOW, email: ERASED_VALUE, name: ERASED_VALUE, phone: ERASED_VALUE, external_id: ERASED_VALUE });
    expect(state.avatar).toBeNull();
    expect(state.custom_attributes).toEqual({ plan: ERASED_VALUE, seats: ERASED_VALUE });
  });

  it('keeps what is no personal value: role, relations, lifecycle and times', () => {
    const state = erase(tagged('t1'), archived(1500)).thenRecords([erased(ADMIN)]);
    expect(state).toMatchObject({ role: 'user', tag_ids: ['t1'], archived: true, created_at: 1000 });
  });

  it('erases a deleted or a merged-away contact too: their log still holds their values', () => {
    erase(deleted(1500)).thenRecords([erased(ADMIN)]);
    erase(mergedInto('u1', 1500)).thenRecords([erased(ADMIN)]);
  });

  it('records nothing for a contact erased already', () => {
    const state = erase(erased(null, 1500)).thenNothing();
    expect(state).toMatchObject({ erased: true, updated_at: 1500 });
  });
});
