import { type ContactEvent, type ContactState, evolve } from '@app/contacts';
import { describe, expect, it } from 'vitest';
import { notificationsOf } from './contact-notifications.js';

const created = (role: 'user' | 'lead', email: string | null = null): ContactEvent => ({
  type: 'ContactCreated',
  data: {
    contact_id: 'c1', workspace_id: 'w1', role, external_id: null, email, phone: null, name: null, avatar: null, owner_id: null,
    signed_up_at: null, last_seen_at: null, unsubscribed_from_emails: false, custom_attributes: {}, occurred_at: 100,
  },
});
const updated = (changes: Record<string, { from: unknown; to: unknown }>): ContactEvent => ({ type: 'ContactUpdated', data: { changes, occurred_at: 200 } });

/** Given these events, when the last one is notified: its topics and items. */
function when(...events: ContactEvent[]) {
  const state = events.reduce<ContactState | null>(evolve, null)!;
  return notificationsOf(events[events.length - 1], state, (id) => (id === '7' ? 'VIP' : null));
}
const topics = (...events: ContactEvent[]) => when(...events).map((n) => n.topic);

describe('contact topics', () => {
  it('names creation and update by role', () => {
    expect(topics(created('user'))).toEqual(['contact.user.created']);
    expect(topics(created('lead'))).toEqual(['contact.lead.created']);
    expect(topics(created('user'), updated({ name: { from: null, to: 'Ann' } }))).toEqual(['contact.user.updated']);
    expect(topics(created('lead'), updated({ name: { from: null, to: 'Ann' } }))).toEqual(['contact.lead.updated']);
  });

  it('adds email.updated when the email changes, and lead.added_email for a lead without one', () => {
    expect(topics(created('user', 'a@x.io'), updated({ email: { from: 'a@x.io', to: 'b@x.io' } }))).toEqual(['contact.user.updated', 'contact.email.updated']);
    expect(topics(created('lead'), updated({ email: { from: null, to: 'b@x.io' } }))).toEqual([
      'contact.lead.updated',
      'contact.email.updated',
      'contact.lead.added_email',
    ]);
    expect(topics(created('lead', 'a@x.io'), updated({ email: { from: 'a@x.io', to: 'b@x.io' } }))).toEqual(['contact.lead.updated', 'contact.email.updated']);
  });

  it('signs a lead up when it becomes a user', () => {
    expect(topics(created('lead', 'a@x.io'), updated({ role: { from: 'lead', to: 'user' } }))).toEqual(['contact.user.updated', 'contact.lead.signed_up']);
  });

  it('tells the email opt-out flag as unsubscribed / subscribed', () => {
    const optOut = updated({ unsubscribed_from_emails: { from: false, to: true } });
    expect(topics(created('user'), optOut)).toEqual(['contact.user.updated', 'contact.unsubscribed']);
    expect(topics(created('user'), optOut, updated({ unsubscribed_from_emails: { from: true, to: false } }))).toEqual(['contact.user.updated', 'contact.subscribed']);
  });

  it('carries the contact as the event left it', () => {
    const [n] = when(created('lead'), updated({ name: { from: null, to: 'Ann' } }));
    expect(n.item).toMatchObject({ type: 'contact', id: 'c1', workspace_id: 'w1', role: 'lead', name: 'Ann', updated_at: 200 });
    expect(n.item).not.toHaveProperty('enabled_push_messaging');
  });

  it('archives, unarchives and deletes, the last with identifying fields only', () => {
    const archived: ContactEvent = { type: 'ContactArchived', data: { occurred_at: 300 } };
    expect(when(created('user'), archived)).toEqual([{ topic: 'contact.archived', item: expect.objectContaining({ type: 'contact', id: 'c1' }) }]);
    expect(topics(created('user'), archived, { type: 'ContactUnarchived', data: { occurred_at: 301 } })).toEqual(['contact.unarchive']);
    expect(when(created('user'), { type: 'ContactDeleted', data: { occurred_at: 302 } })).toEqual([
      { topic: 'contact.deleted', item: { id: 'c1', external_id: null, type: 'contact', deleted: true } },
    ]);
  });

  it('tags and untags as contact_tag objects, by role', () => {
    const tagged: ContactEvent = { type: 'ContactTagged', data: { tag_id: '7', admin_id: null, occurred_at: 400 } };
    const [n] = when(created('lead'), tagged);
    expect(n.topic).toBe('contact.lead.tag.created');
    expect(Object.keys(n.item)).toEqual(['type', 'created_at', 'tag', 'contact']);
    expect(n.item).toMatchObject({ type: 'contact_tag', created_at: 400, tag: { id: '7', name: 'VIP', type: 'tag' }, contact: { id: 'c1', role: 'lead' } });
    expect((n.item.contact as { tags: { total_count: number } }).tags.total_count).toBe(1);
    expect(topics(created('user'), tagged, { type: 'ContactUntagged', data: { tag_id: '7', occurred_at: 401 } })).toEqual(['contact.user.tag.deleted']);
  });

  it('merges: the surviving contact with merged_from', () => {
    const merged: ContactEvent = {
      type: 'ContactMergedFrom',
      data: { from_contact_id: 'lead1', changes: { phone: { from: null, to: '+1' } }, tag_ids: [], company_ids: [], note_ids: [], opted_in_ids: [], opted_out_ids: [], occurred_at: 500 },
    };
    const [n] = when(created('user'), merged);
    expect(n.topic).toBe('contact.merged');
    expect(n.item).toMatchObject({ type: 'contact', id: 'c1', phone: '+1', merged_from: { type: 'contact', id: 'lead1' } });
  });

  it('subscribes and unsubscribes by consent, naming the subscription type', () => {
    const consent = (consent_type: 'opt_in' | 'opt_out'): ContactEvent => ({
      type: 'SubscriptionConsentSet',
      data: { subscription_type_id: '1001', consent_type, occurred_at: 600 },
    });
    const [out] = when(created('user'), consent('opt_out'));
    expect(out.topic).toBe('contact.unsubscribed');
    expect(out.item.subscription_types).toEqual({ type: 'list', data: [{ type: 'subscription', id: '1001', consent_type: 'opt_out' }] });
    expect(topics(created('user'), consent('opt_in'))).toEqual(['contact.subscribed']);
  });

  it('attaches and detaches a company as company.contact.attached / detached', () => {
    expect(topics(created('user'), { type: 'CompanyAttached', data: { company_id: 'co', occurred_at: 1 } })).toEqual(['company.contact.attached']);
    expect(topics(created('lead'), { type: 'CompanyDetached', data: { company_id: 'co', occurred_at: 1 } })).toEqual(['company.contact.detached']);
  });

  it('raises nothing for notes, blocks and the merged-away lead', () => {
    expect(topics(created('user'), { type: 'NoteAdded', data: { note_id: 'n', body: 'b', admin_id: 1, occurred_at: 1 } })).toEqual([]);
    expect(topics(created('user'), { type: 'ContactBlocked', data: { occurred_at: 1 } })).toEqual([]);
    expect(topics(created('lead'), { type: 'ContactMergedInto', data: { into_contact_id: 'u', occurred_at: 1 } })).toEqual([]);
  });
});
