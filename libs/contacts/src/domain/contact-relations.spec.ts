import { describe, expect, it } from 'vitest';
import {
  MAX_COMPANIES,
  addNote,
  attachCompany,
  consentFor,
  detachCompany,
  removeConsent,
  setConsent,
  tagContact,
  untagContact,
} from './contact-relations.aggregate.js';
import { CompanyLimitExceededError, NoteAuthorNotFoundError } from './contact.errors.js';
import type { ContactEvent } from './contact.events.js';
import {
  ADMIN,
  companyAttached,
  companyDetached,
  consentRemoved,
  consentSet,
  created,
  decisionContext,
  given,
  noteAdded,
  stateOf,
  tagged,
  untagged,
} from './contact.fixtures.js';

const contact = (...history: ContactEvent[]) => given(created(), ...history);

describe('tags', () => {
  it('tags once: a second tag or an untag of an absent tag records nothing', () => {
    const state = contact()
      .when((state, context) => tagContact(state, 't1', ADMIN, context))
      .thenRecords([tagged('t1', 2000, ADMIN)]);
    expect(state.tag_ids).toEqual(['t1']);
    contact(tagged('t1', 2000, ADMIN)).when((state, context) => tagContact(state, 't1', ADMIN, { ...context, now: 2001 })).thenNothing();
    contact(tagged('t1', 2000, ADMIN)).when((state, context) => untagContact(state, 't2', { ...context, now: 2002 })).thenNothing();
  });

  it('tags without an admin', () => {
    contact().when((state, context) => tagContact(state, 't1', null, context)).thenRecords([tagged('t1')]);
  });

  it('untags a tag the contact has, once', () => {
    const state = contact(tagged('t1', 1500), tagged('t2', 1600))
      .when((state, context) => untagContact(state, 't1', context))
      .thenRecords([untagged('t1')]);
    expect(state.tag_ids).toEqual(['t2']);
    contact(tagged('t1', 1500), untagged('t1', 1600)).when((state, context) => untagContact(state, 't1', context)).thenNothing();
  });
});

describe('addNote', () => {
  it('records a note by an admin of the workspace, and refuses an unknown author', () => {
    const state = contact()
      .when((state, context) => addNote(state, 'n1', '<p>hi</p>', ADMIN, context))
      .thenRecords([noteAdded('n1', '<p>hi</p>')]);
    expect(state.note_ids).toEqual(['n1']);
    const error = contact().when((state, context) => addNote(state, 'n2', 'x', 8, context)).thenThrows(NoteAuthorNotFoundError);
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('adds every note, after the ones before', () => {
    const state = contact(noteAdded('n1', 'first', 1500))
      .when((state, context) => addNote(state, 'n2', 'second', ADMIN, context))
      .thenRecords([noteAdded('n2', 'second')]);
    expect(state.note_ids).toEqual(['n1', 'n2']);
  });
});

describe('companies', () => {
  it('attaches a company once', () => {
    const state = contact().when((state, context) => attachCompany(state, 'co1', context)).thenRecords([companyAttached('co1')]);
    expect(state.company_ids).toEqual(['co1']);
    contact(companyAttached('co1', 1500)).when((state, context) => attachCompany(state, 'co1', context)).thenNothing();
  });

  it('detaches an attached company, once', () => {
    const state = contact(companyAttached('co1', 1500), companyAttached('co2', 1500))
      .when((state, context) => detachCompany(state, 'co1', context))
      .thenRecords([companyDetached('co1')]);
    expect(state.company_ids).toEqual(['co2']);
    contact().when((state, context) => detachCompany(state, 'co1', context)).thenNothing();
    contact(companyAttached('co1', 1500), companyDetached('co1', 1600)).when((state, context) => detachCompany(state, 'co1', context)).thenNothing();
  });

  describe(`the limit of ${MAX_COMPANIES} companies`, () => {
    const attached = (count: number) => Array.from({ length: count }, (_, i) => companyAttached(`co${i}`, 1500));

    it('attaches the last one the limit allows', () => {
      const state = contact(...attached(MAX_COMPANIES - 1))
        .when((state, context) => attachCompany(state, 'new', context))
        .thenRecords([companyAttached('new')]);
      expect(state.company_ids).toHaveLength(MAX_COMPANIES);
    });

    it('refuses one more, but still answers an attached one with nothing', () => {
      const full = contact(...attached(MAX_COMPANIES));
      const error = full.when((state, context) => attachCompany(state, 'new', context)).thenThrows(CompanyLimitExceededError);
      expect(error).toMatchObject({ code: 'contact_company_limit_exceeded', status: 400 });
      expect(error.message).toContain(String(MAX_COMPANIES));
      full.when((state, context) => attachCompany(state, 'co0', context)).thenNothing();
    });
  });
});

describe('subscription consent', () => {
  const set = (type: 'opt_in' | 'opt_out', ...history: ContactEvent[]) =>
    contact(...history).when((state, context) => setConsent(state, 's1', type, context));
  const remove = (...history: ContactEvent[]) => contact(...history).when((state, context) => removeConsent(state, 's1', context));

  it('answers the contact’s own choice, or null', () => {
    expect(consentFor(stateOf(created()), 's1')).toBeNull();
    expect(consentFor(stateOf(created(), consentSet('s1', 'opt_in', 1500)), 's1')).toBe('opt_in');
    expect(consentFor(stateOf(created(), consentSet('s1', 'opt_out', 1500)), 's1')).toBe('opt_out');
    expect(consentFor(stateOf(created(), consentSet('s1', 'opt_out', 1500), consentRemoved('s1', 1600)), 's1')).toBeNull();
  });

  it('records a first choice', () => {
    expect(set('opt_in').thenRecords([consentSet('s1', 'opt_in')])).toMatchObject({ opted_in_ids: ['s1'], opted_out_ids: [] });
    expect(set('opt_out').thenRecords([consentSet('s1', 'opt_out')])).toMatchObject({ opted_in_ids: [], opted_out_ids: ['s1'] });
  });

  it('switches between opt_in and opt_out', () => {
    expect(set('opt_out', consentSet('s1', 'opt_in', 1500)).thenRecords([consentSet('s1', 'opt_out')])).toMatchObject({ opted_in_ids: [], opted_out_ids: ['s1'] });
    expect(set('opt_in', consentSet('s1', 'opt_out', 1500)).thenRecords([consentSet('s1', 'opt_in')])).toMatchObject({ opted_in_ids: ['s1'], opted_out_ids: [] });
  });

  it('records nothing when the choice is unchanged', () => {
    set('opt_in', consentSet('s1', 'opt_in', 1500)).thenNothing();
    set('opt_out', consentSet('s1', 'opt_out', 1500)).thenNothing();
  });

  it('removes a choice, and records nothing when there is none', () => {
    expect(remove(consentSet('s1', 'opt_in', 1500)).thenRecords([consentRemoved('s1')])).toMatchObject({ opted_in_ids: [], opted_out_ids: [] });
    remove(consentSet('s1', 'opt_out', 1500)).thenRecords([consentRemoved('s1')]);
    remove().thenNothing();
    remove(consentSet('s1', 'opt_in', 1500), consentRemoved('s1', 1600)).thenNothing();
    contact(consentSet('s2', 'opt_in', 1500)).when((state) => removeConsent(state, 's1', decisionContext())).thenNothing();
  });
});
