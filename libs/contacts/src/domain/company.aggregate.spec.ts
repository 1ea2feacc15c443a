import { describe, expect, it } from 'vitest';
import { LIMITS } from '@app/intercom';
import { addCompanyNote, createCompany, deleteCompany, tagCompany, untagCompany, updateCompany } from './company.aggregate.js';
import { CompanyAttributeLimitError, CompanyNoteLimitError } from './company.errors.js';
import { NoteAuthorNotFoundError } from './contact.errors.js';
import type { CompanyEvent } from './company.events.js';
import { type CompanyState, evolveCompany } from './company.state.js';

const NOW = 2000;
const [created] = createCompany('co1', 'w1', 'acme', { name: 'Acme', plan: 'Pro', plan_id: '260001', custom_attributes: { tier: 'gold', gone: null } }, 1000);
const given = (...history: CompanyEvent[]): CompanyState => [created, ...history].reduce<CompanyState | null>(evolveCompany, null)!;

describe('the company aggregate', () => {
  it('creates with every field, remote_created_at defaulting to the creation time, and no null custom attributes', () => {
    expect(created).toEqual({
      type: 'CompanyCreated',
      data: {
        id: 'co1', workspace_id: 'w1', company_id: 'acme', name: 'Acme', plan: 'Pro', plan_id: '260001', size: null, website: null, industry: null,
        monthly_spend: null, remote_created_at: 1000, custom_attributes: { tier: 'gold' }, occurred_at: 1000,
      },
    });
    expect(given()).toMatchObject({ id: 'co1', company_id: 'acme', created_at: 1000, updated_at: 1000, tag_ids: [] });
  });

  it('updates only what changes: left out stays, null clears, custom attributes per key; nothing changed records nothing', () => {
    const state = given();
    const events = updateCompany(state, { name: 'Acme', plan: null, plan_id: null, size: 5, custom_attributes: { tier: null, seats: 3 } }, NOW);
    expect(events).toEqual([
      {
        type: 'CompanyUpdated',
        data: {
          changes: {
            plan: { from: 'Pro', to: null },
            plan_id: { from: '260001', to: null },
            size: { from: null, to: 5 },
            'custom_attributes.tier': { from: 'gold', to: null },
            'custom_attributes.seats': { from: null, to: 3 },
          },
          occurred_at: NOW,
        },
      },
    ]);
    const after = given(...events);
    expect(after).toMatchObject({ name: 'Acme', plan: null, size: 5, custom_attributes: { seats: 3 }, updated_at: NOW });
    expect(updateCompany(after, { name: 'Acme', size: 5, custom_attributes: { seats: 3, tier: null } }, NOW + 1)).toEqual([]);
  });

  it(`refuses more than ${LIMITS.customAttributesPerObject} custom attributes, counting what the change clears`, () => {
    const many = Object.fromEntries(Array.from({ length: LIMITS.customAttributesPerObject - 1 }, (_, i) => [`a${i}`, i]));
    const state = given(...updateCompany(given(), { custom_attributes: many }, NOW));
    expect(() => updateCompany(state, { custom_attributes: { x: 1 } }, NOW)).toThrow(CompanyAttributeLimitError);
    expect(updateCompany(state, { custom_attributes: { x: 1, tier: null } }, NOW)).toHaveLength(1);
  });

  it('tags once and untags only a tag it has; a re-tag goes to the end', () => {
    const tagged = tagCompany(given(), 't1', null, NOW);
    expect(tagged).toEqual([{ type: 'CompanyTagged', data: { tag_id: 't1', admin_id: null, occurred_at: NOW } }]);
    const state = given(...tagged, ...tagCompany(given(...tagged), 't2', 7, NOW));
    expect(state.tag_ids).toEqual(['t1', 't2']);
    expect(tagCompany(state, 't1', null, NOW)).toEqual([]);
    expect(untagCompany(state, 't3', NOW)).toEqual([]);
    const untagged = untagCompany(state, 't1', NOW);
    expect(untagged).toEqual([{ type: 'CompanyUntagged', data: { tag_id: 't1', occurred_at: NOW } }]);
    expect(given(...tagged, ...tagCompany(given(...tagged), 't2', 7, NOW), ...untagged, { type: 'CompanyTagged', data: { tag_id: 't1', admin_id: null, occurred_at: NOW } }).tag_ids).toEqual(['t2', 't1']);
  });

  it('deletes for good', () => {
    const events = deleteCompany(given(), NOW);
    expect(events).toEqual([{ type: 'CompanyDeleted', data: { occurred_at: NOW } }]);
    expect(given(...events).deleted).toBe(true);
  });

  it('refuses an event before CompanyCreated', () => {
    expect(() => evolveCompany(null, { type: 'CompanyDeleted', data: { occurred_at: NOW } })).toThrow(/before CompanyCreated/);
  });

  it('adds a note by an admin, counting the notes and leaving updated_at; no admin is a 404, the limit a 400', () => {
    const events = addCompanyNote(given(), 'n1', '<p>hi</p>', 7, NOW);
    expect(events).toEqual([{ type: 'CompanyNoteAdded', data: { note_id: 'n1', body: '<p>hi</p>', admin_id: 7, occurred_at: NOW } }]);
    const after = given(...events, ...addCompanyNote(given(...events), 'n2', '<p>again</p>', 7, NOW + 1));
    expect(after).toMatchObject({ note_count: 2, updated_at: 1000 });
    expect(given().note_count).toBeUndefined();
    expect(() => addCompanyNote(given(), 'n1', '<p>hi</p>', null, NOW)).toThrow(NoteAuthorNotFoundError);
    const full = { ...given(), note_count: LIMITS.notesPerCompany };
    expect(() => addCompanyNote(full, 'n1', '<p>hi</p>', 7, NOW)).toThrow(CompanyNoteLimitError);
    expect(addCompanyNote({ ...full, note_count: LIMITS.notesPerCompany - 1 }, 'n1', '<p>hi</p>', 7, NOW)).toHaveLength(1);
  });
});
