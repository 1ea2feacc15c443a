import { describe, expect, it } from 'vitest';
import { mergeContacts } from './contact.aggregate.js';
import { CompanyLimitExceededError, InvalidMergeError, NotDuplicatesError } from './contact.errors.js';
import type { ContactCreated, ContactEvent } from './contact.events.js';
import {
  NOW,
  companyAttached,
  consentSet,
  created,
  decisionContext,
  given,
  mergedFrom,
  mergedInto,
  noteAdded,
  stateOf,
  tagged,
} from './contact.fixtures.js';

const lead = (over: Partial<ContactCreated['data']> = {}) => created({ contact_id: 'lead', role: 'lead', ...over });
const user = (over: Partial<ContactCreated['data']> = {}) => created({ contact_id: 'user', ...over });

/** The merge as each stream sees it: the user's records ContactMergedFrom, the lead's ContactMergedInto. */
const onUserStream = (leadHistory: [ContactCreated, ...ContactEvent[]], userCreated: ContactCreated, requireDuplicate = false) =>
  given(userCreated).when((state, context) => mergeContacts(stateOf(...leadHistory), state, context, requireDuplicate).user);
const refusal = (source: ContactCreated, target: ContactCreated, requireDuplicate = false) =>
  given(source).when((state, context) => mergeContacts(state, stateOf(target), context, requireDuplicate).lead);

describe('mergeContacts', () => {
  it('merges a lead into a user: empty fields and missing attributes fill, relations move, both streams record it', () => {
    const leadHistory: [ContactCreated, ...ContactEvent[]] = [
      lead({ email: 'same@example.com', name: 'Lead', phone: '+1', custom_attributes: { plan: 'trial', vip: true } }),
      tagged('t1', 1500),
    ];
    const target = user({ email: 'SAME@example.com', name: null, phone: null, custom_attributes: { plan: 'pro' } });
    const expectedFrom = mergedFrom('lead', {
      tag_ids: ['t1'],
      changes: { name: { from: null, to: 'Lead' }, phone: { from: null, to: '+1' }, 'custom_attributes.vip': { from: null, to: true } },
    });
    expect(mergeContacts(stateOf(...leadHistory), stateOf(target), decisionContext(), true)).toEqual({ lead: [mergedInto('user')], user: [expectedFrom] });

    const userState = onUserStream(leadHistory, target, true).thenRecords([expectedFrom]);
    expect(userState).toMatchObject({ name: 'Lead', phone: '+1', email: 'SAME@example.com', custom_attributes: { plan: 'pro', vip: true }, tag_ids: ['t1'] });
    const leadState = given(...leadHistory)
      .when((state, context) => mergeContacts(state, stateOf(target), context, true).lead)
      .thenRecords([mergedInto('user')]);
    expect(leadState.merged_into).toBe('user');
  });

  it('refuses a merge from a user, into a lead, or (2.16) between contacts that are not duplicates', () => {
    const a = lead({ email: 'a@example.com', phone: null });
    const b = user({ email: 'b@example.com', phone: null });
    refusal(b, a).thenThrows(InvalidMergeError, "Merge source must be a lead: Merge source_user cannot have role='user_role'");
    refusal(a, a).thenThrows(InvalidMergeError, 'A contact cannot be merged into itself');
    refusal(a, lead({ contact_id: 'lead2', email: 'b@example.com', phone: null })).thenThrows(InvalidMergeError, 'Merge target must be a user');
    const error = refusal(a, b, true).thenThrows(NotDuplicatesError);
    expect(error).toMatchObject({ code: 'invalid_merge', status: 400 });
    refusal(a, b, false).thenRecords([mergedInto('user')]);
  });

  it('refuses a contact merged into itself before anything else', () => {
    const self = user();
    refusal(self, self).thenThrows(InvalidMergeError, 'A contact cannot be merged into itself');
  });

  it.each([
    ['the same email', { email: 'x@example.com' }, { email: 'x@example.com' }],
    ['the same email in another case', { email: 'Jo@Example.COM' }, { email: 'jo@example.com' }],
    ['the same phone', { email: 'a@example.com', phone: '+1 555' }, { email: 'b@example.com', phone: '+1 555' }],
  ])('lets duplicates merge when duplicates are required: %s', (_, leadFields, userFields) => {
    refusal(lead({ phone: null, ...leadFields }), user({ phone: null, ...userFields }), true).thenRecords([mergedInto('user')]);
  });

  it.each([
    ['no email and no phone on either', { email: null, phone: null }, { email: null, phone: null }],
    ['only the lead has an email', { email: 'x@example.com', phone: null }, { email: null, phone: null }],
    ['different phones', { email: null, phone: '+1' }, { email: null, phone: '+2' }],
  ])('refuses contacts that are not duplicates when duplicates are required: %s', (_, leadFields, userFields) => {
    refusal(lead(leadFields), user(userFields), true).thenThrows(NotDuplicatesError);
  });

  it('fills only the fields the user has empty, never role or unsubscribed_from_emails', () => {
    const full = {
      external_id: 'L',
      email: 'l@example.com',
      phone: '+1',
      name: 'Lead',
      avatar: 'https://example.com/l.png',
      owner_id: 7,
      signed_up_at: 10,
      last_seen_at: 20,
      unsubscribed_from_emails: true,
    };
    const empty = { external_id: null, email: null, phone: null, name: null, avatar: null, owner_id: null, signed_up_at: null, last_seen_at: null };
    const fill = Object.fromEntries(Object.entries(empty).map(([field]) => [field, { from: null, to: full[field as keyof typeof full] }]));
    const state = onUserStream([lead(full)], user({ ...empty, custom_attributes: {} })).thenRecords([
      mergedFrom('lead', { changes: { ...fill, 'custom_attributes.plan': { from: null, to: 'free' }, 'custom_attributes.seats': { from: null, to: 3 } } }),
    ]);
    expect(state).toMatchObject({ ...full, role: 'user', unsubscribed_from_emails: false, id: 'user' });
  });

  it('keeps every value the user has, and custom attributes the user has', () => {
    const state = onUserStream(
      [lead({ name: 'Lead', email: 'l@example.com', custom_attributes: { plan: 'trial', seats: 9, vip: false } })],
      user({ name: 'User', email: 'u@example.com', custom_attributes: { plan: 'pro', seats: 1 } }),
    ).thenRecords([mergedFrom('lead', { changes: { 'custom_attributes.vip': { from: null, to: false } } })]);
    expect(state).toMatchObject({ name: 'User', email: 'u@example.com', custom_attributes: { plan: 'pro', seats: 1, vip: false } });
  });

  it('moves tags, companies, notes and subscription choices, keeping the user’s own', () => {
    const leadHistory: [ContactCreated, ...ContactEvent[]] = [
      lead(),
      tagged('t1', 1100),
      tagged('t2', 1100),
      companyAttached('co1', 1200),
      noteAdded('n1', 'from the lead', 1300),
      consentSet('s1', 'opt_in', 1400),
      consentSet('s2', 'opt_out', 1400),
    ];
    const userHistory: [ContactCreated, ...ContactEvent[]] = [user(), tagged('t2', 1100), tagged('t3', 1100), noteAdded('n0', 'own', 1300)];
    const state = given(...userHistory)
      .when((state, context) => mergeContacts(stateOf(...leadHistory), state, context).user)
      .thenRecords([mergedFrom('lead', { tag_ids: ['t1', 't2'], company_ids: ['co1'], note_ids: ['n1'], opted_in_ids: ['s1'], opted_out_ids: ['s2'] })]);
    expect(state).toMatchObject({
      tag_ids: ['t2', 't3', 't1'],
      company_ids: ['co1'],
      note_ids: ['n0', 'n1'],
      opted_in_ids: ['s1'],
      opted_out_ids: ['s2'],
      updated_at: NOW,
    });
  });

  it("keeps the user's own consent choices over the lead's", () => {
    const leadHistory: [ContactCreated, ...ContactEvent[]] = [lead(), consentSet('s1', 'opt_in', 1400), consentSet('s2', 'opt_out', 1400), consentSet('s3', 'opt_in', 1400)];
    const state = given(user(), consentSet('s1', 'opt_out', 1400), consentSet('s2', 'opt_in', 1400))
      .when((state, context) => mergeContacts(stateOf(...leadHistory), state, context).user)
      .thenRecords([mergedFrom('lead', { opted_in_ids: ['s3'], opted_out_ids: [] })]);
    expect(state).toMatchObject({ opted_in_ids: ['s2', 's3'], opted_out_ids: ['s1'] });
  });

  it("refuses a merge that would give the user more companies than Intercom's 1000", () => {
    const companies = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => companyAttached(`${prefix}${i}`, 1200));
    const leadHistory: [ContactCreated, ...ContactEvent[]] = [lead(), ...companies('l', 600)];
    given(user(), ...companies('u', 400)).when((state, context) => mergeContacts(stateOf(...leadHistory), state, context).user).thenRecords([
      mergedFrom('lead', { company_ids: Array.from({ length: 600 }, (_, i) => `l${i}`) }),
    ]);
    given(user(), ...companies('u', 401))
      .when((state, context) => mergeContacts(stateOf(...leadHistory), state, context).user)
      .thenThrows(CompanyLimitExceededError);
  });

  it('takes the time of both events from the context', () => {
    const { lead: onLead, user: onUser } = mergeContacts(stateOf(lead()), stateOf(user()), { ...decisionContext(), now: 4242 });
    expect([...onLead, ...onUser].map((event) => event.data.occurred_at)).toEqual([4242, 4242]);
  });
});
