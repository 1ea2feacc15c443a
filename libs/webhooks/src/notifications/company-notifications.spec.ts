import { describe, expect, it } from 'vitest';
import { type CompanyEvent, type CompanyState, evolveCompany } from '@app/contacts';
import { companyNotificationsOf } from './company-notifications.js';
import { NOTIFYING_EVENTS } from './contact-notifications.js';

const created: CompanyEvent = {
  type: 'CompanyCreated',
  data: {
    id: 'co1', workspace_id: 'w1', company_id: 'acme', name: 'Acme', plan: null, plan_id: null, size: null, website: null, industry: null,
    monthly_spend: null, remote_created_at: 1000, custom_attributes: {}, occurred_at: 1000,
  },
};
const extras = { user_count: 0, last_request_at: null, tagName: () => null };

describe('company topics', () => {
  it('raises company.updated for a change, and nothing for a note (Intercom has no topic for it)', () => {
    const state = evolveCompany(null, created) as CompanyState;
    const updated: CompanyEvent = { type: 'CompanyUpdated', data: { changes: { name: { from: 'Acme', to: 'B' } }, occurred_at: 1001 } };
    expect(companyNotificationsOf(updated, evolveCompany(state, updated), extras).map((n) => n.topic)).toEqual(['company.updated']);
    const note: CompanyEvent = { type: 'CompanyNoteAdded', data: { note_id: 'n1', body: '<p>x</p>', admin_id: 1, occurred_at: 1002 } };
    expect(companyNotificationsOf(note, evolveCompany(state, note), extras)).toEqual([]);
    expect(NOTIFYING_EVENTS.has('CompanyNoteAdded')).toBe(false);
    expect(NOTIFYING_EVENTS.has('CompanyUpdated')).toBe(true);
  });
});
