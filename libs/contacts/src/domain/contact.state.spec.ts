import { describe, expect, it } from 'vitest';
import type { ContactEvent } from './contact.events.js';
import {
  CREATED_AT,
  archived,
  blocked,
  companyAttached,
  companyDetached,
  consentRemoved,
  consentSet,
  created,
  deleted,
  erased,
  fold,
  mergedFrom,
  mergedInto,
  noteAdded,
  stateOf,
  tagged,
  unarchived,
  untagged,
  updated,
} from './contact.fixtures.js';
import { evolve } from './contact.state.js';

/** One event of each type of the catalogue: the compiler says when one is missing. */
const ONE_OF_EACH = {
  ContactCreated: created(),
  ContactUpdated: updated({ name: { from: 'Old', to: 'New' } }),
  ContactArchived: archived(),
  ContactUnarchived: unarchived(),
  ContactBlocked: blocked(),
  ContactDeleted: deleted(),
  ContactTagged: tagged('t1'),
  ContactUntagged: untagged('t1'),
  NoteAdded: noteAdded('n1'),
  CompanyAttached: companyAttached('co1'),
  CompanyDetached: companyDetached('co1'),
  SubscriptionConsentSet: consentSet('s1', 'opt_in'),
  SubscriptionConsentRemoved: consentRemoved('s1'),
  ContactMergedInto: mergedInto('u1'),
  ContactMergedFrom: mergedFrom('l1', { tag_ids: ['t9'] }),
  ContactErased: erased(),
} satisfies { [T in ContactEvent['type']]: Extract<ContactEvent, { type: T }> };
const LATER = Object.values(ONE_OF_EACH).filter((event) => event.type !== 'ContactCreated');

describe('evolve', () => {
  it('starts a contact from ContactCreated', () => {
    const { contact_id, workspace_id, occurred_at, ...fields } = created().data;
    expect(evolve(null, created())).toEqual({
      id: contact_id,
      workspace_id,
      ...fields,
      created_at: occurred_at,
      updated_at: occurred_at,
      archived: false,
      blocked: false,
      tag_ids: [],
      company_ids: [],
      note_ids: [],
      opted_in_ids: [],
      opted_out_ids: [],
    });
  });

  it.each(LATER.map((event) => [event.type, event] as const))('refuses %s before ContactCreated', (type, event) => {
    expect(() => evolve(null, event)).toThrow(`${type} before ContactCreated`);
  });

  it.each(LATER.map((event) => [event.type, event] as const))('takes updated_at from the occurred_at of %s and keeps created_at', (_, event) => {
    const next = evolve(stateOf(created()), { ...event, data: { ...event.data, occurred_at: 1234 } } as ContactEvent);
    expect(next).toMatchObject({ created_at: CREATED_AT, updated_at: 1234 });
  });

  it('is deterministic and leaves the state and the event it is given as they were', () => {
    const history = Object.values(ONE_OF_EACH);
    const snapshot = structuredClone(history);
    expect(fold(history)).toEqual(fold(history));
    expect(history).toEqual(snapshot);
    const before = stateOf(created(), tagged('t1', 1100));
    const copy = structuredClone(before);
    evolve(before, updated({ 'custom_attributes.plan': { from: 'free', to: 'pro' } }));
    evolve(before, untagged('t1'));
    expect(before).toEqual(copy);
    evolve(null, ONE_OF_EACH.ContactCreated).custom_attributes.extra = 'x';
    expect(ONE_OF_EACH.ContactCreated.data.custom_attributes).toEqual({ plan: 'free', seats: 3 });
  });

  it('applies a ContactUpdated: fields, custom attributes set and removed', () => {
    const state = stateOf(
      created(),
      updated({ name: { from: 'Old', to: 'New' }, phone: { from: '+1 555', to: null }, 'custom_attributes.plan': { from: 'free', to: 'pro' } }),
      updated({ 'custom_attributes.seats': { from: 3, to: null }, 'custom_attributes.vip': { from: null, to: true } }),
    );
    expect(state).toMatchObject({ name: 'New', phone: null, email: 'old@example.com', custom_attributes: { plan: 'pro', vip: true } });
    expect(state.custom_attributes).not.toHaveProperty('seats');
  });

  it('archives, unarchives, blocks and deletes', () => {
    expect(stateOf(created(), archived()).archived).toBe(true);
    expect(stateOf(created(), archived(), unarchived()).archived).toBe(false);
    expect(stateOf(created(), blocked())).toMatchObject({ blocked: true, archived: false });
    expect(stateOf(created()).deleted).toBeUndefined();
    expect(stateOf(created(), deleted()).deleted).toBe(true);
  });

  it('keeps tags and companies once each, in the order they came', () => {
    const state = stateOf(created(), tagged('t2'), tagged('t1'), tagged('t2'), companyAttached('b'), companyAttached('a'), companyAttached('b'));
    expect(state).toMatchObject({ tag_ids: ['t2', 't1'], company_ids: ['b', 'a'] });
    expect(stateOf(created(), tagged('t1'), tagged('t2'), untagged('t1'), untagged('t9')).tag_ids).toEqual(['t2']);
    expect(stateOf(created(), companyAttached('a'), companyAttached('b'), companyDetached('a')).company_ids).toEqual(['b']);
  });

  it('adds notes in order', () => {
    expect(stateOf(created(), noteAdded('n1'), noteAdded('n2')).note_ids).toEqual(['n1', 'n2']);
  });

  it('keeps one consent per subscription type', () => {
    expect(stateOf(created(), consentSet('s1', 'opt_in'), consentSet('s2', 'opt_out'))).toMatchObject({ opted_in_ids: ['s1'], opted_out_ids: ['s2'] });
    expect(stateOf(created(), consentSet('s1', 'opt_in'), consentSet('s1', 'opt_out'))).toMatchObject({ opted_in_ids: [], opted_out_ids: ['s1'] });
    expect(stateOf(created(), consentSet('s1', 'opt_out'), consentSet('s1', 'opt_in'))).toMatchObject({ opted_in_ids: ['s1'], opted_out_ids: [] });
    expect(stateOf(created(), consentSet('s1', 'opt_in'), consentRemoved('s1'))).toMatchObject({ opted_in_ids: [], opted_out_ids: [] });
    expect(stateOf(created(), consentSet('s1', 'opt_out'), consentRemoved('s1'))).toMatchObject({ opted_in_ids: [], opted_out_ids: [] });
  });

  it('marks a lead merged into a user', () => {
    expect(stateOf(created(), mergedInto('u1')).merged_into).toBe('u1');
  });

  it('takes in a merged lead: its filled fields and its relations, after the user’s own', () => {
    const state = stateOf(
      created({ name: null, custom_attributes: {} }),
      tagged('t1'),
      noteAdded('n0'),
      mergedFrom('l1', {
        changes: { name: { from: null, to: 'Lead' }, 'custom_attributes.vip': { from: null, to: true } },
        tag_ids: ['t2', 't1'],
        company_ids: ['co1'],
        note_ids: ['n1'],
        opted_in_ids: ['s1'],
        opted_out_ids: ['s2'],
      }),
    );
    expect(state).toMatchObject({
      name: 'Lead',
      custom_attributes: { vip: true },
      tag_ids: ['t1', 't2'],
      company_ids: ['co1'],
      note_ids: ['n0', 'n1'],
      opted_in_ids: ['s1'],
      opted_out_ids: ['s2'],
    });
    expect(state.merged_into).toBeUndefined();
  });
});
