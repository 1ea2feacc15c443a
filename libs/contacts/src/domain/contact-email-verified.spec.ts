import { describe, expect, it } from 'vitest';
import { createContact, mergeContacts, updateContact } from './contact.aggregate.js';
import { EmailVerifiedWithoutEmailError } from './contact.errors.js';
import { NOW, created, decisionContext, given, stateOf, updated } from './contact.fixtures.js';

describe('email_verified (2.16)', () => {
  it('is recorded on create with the email it speaks of', () => {
    const state = given()
      .when((_, context) => createContact('c9', 'w1', { email: 'v@example.com', email_verified: true }, context))
      .thenRecords([created({ contact_id: 'c9', email: 'v@example.com', email_verified: true, external_id: null, phone: null, name: null, custom_attributes: {}, occurred_at: NOW })]);
    expect(state.email_verified).toBe(true);
  });

  it('is left out of the created event when not given, and reads as not said', () => {
    const state = given().when((_, context) => createContact('c9', 'w1', { email: 'v@example.com' }, context)).thenRecords([
      created({ contact_id: 'c9', email: 'v@example.com', external_id: null, phone: null, name: null, custom_attributes: {}, occurred_at: NOW }),
    ]);
    expect(state.email_verified ?? null).toBeNull();
  });

  it('is refused without an email in the same request, on create and on update', () => {
    given().when((_, context) => createContact('c9', 'w1', { role: 'user', email_verified: true }, context)).thenThrows(EmailVerifiedWithoutEmailError);
    given(created()).when((state, context) => updateContact(state, { email_verified: false }, context)).thenThrows(EmailVerifiedWithoutEmailError);
    given(created()).when((state, context) => updateContact(state, { name: 'x', email_verified: null }, context)).thenThrows(EmailVerifiedWithoutEmailError);
  });

  it('changes with the email sent beside it, and records nothing when it is already so', () => {
    given(created())
      .when((state, context) => updateContact(state, { email: 'old@example.com', email_verified: true }, context))
      .thenRecords([updated({ email_verified: { from: null, to: true } })]);
    given(created({ email_verified: true }))
      .when((state, context) => updateContact(state, { email: 'old@example.com', email_verified: true }, context))
      .thenNothing();
  });

  it('goes back to not said when the email changes without it', () => {
    const state = given(created({ email_verified: true }))
      .when((state, context) => updateContact(state, { email: 'new@example.com' }, context))
      .thenRecords([updated({ email: { from: 'old@example.com', to: 'new@example.com' }, email_verified: { from: true, to: null } })]);
    expect(state.email_verified).toBeNull();
  });

  it('stays when other fields change', () => {
    given(created({ email_verified: false }))
      .when((state, context) => updateContact(state, { name: 'New' }, context))
      .thenRecords([updated({ name: { from: 'Old', to: 'New' } })]);
  });

  it("moves with a merged lead's email into a user that had none, and not otherwise", () => {
    const lead = stateOf(created({ contact_id: 'l1', role: 'lead', email: 'lead@example.com', email_verified: true }));
    const bare = stateOf(created({ contact_id: 'u1', email: null }));
    const { user } = mergeContacts(lead, bare, decisionContext());
    expect(user[0].type === 'ContactMergedFrom' && user[0].data.changes).toMatchObject({
      email: { from: null, to: 'lead@example.com' },
      email_verified: { from: null, to: true },
    });
    const withEmail = stateOf(created({ contact_id: 'u2' }));
    const kept = mergeContacts(lead, withEmail, decisionContext()).user[0];
    expect(kept.type === 'ContactMergedFrom' && kept.data.changes).not.toHaveProperty('email_verified');
  });
});
