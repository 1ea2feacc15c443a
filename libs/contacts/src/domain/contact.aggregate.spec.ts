import { describe, expect, it } from 'vitest';
import { Contact, type DataType, type DecisionContext } from './contact.aggregate.js';
import type { ContactCreated, ContactEvent } from './contact.events.js';
import {
  ContactIdentityMissingError,
  InvalidMergeError,
  NoteAuthorNotFoundError,
  NotDuplicatesError,
  CustomAttributeTypeError,
  OwnerNotAdminError,
  UnknownCustomAttributeError,
  UserToLeadError,
} from './contact.errors.js';

const context = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  now: 2000,
  dataAttributes: new Map<string, DataType>([
    ['plan', 'string'],
    ['seats', 'integer'],
    ['score', 'float'],
    ['vip', 'boolean'],
    ['renews_at', 'date'],
  ]),
  admins: new Set([7]),
  ...over,
});

const created = (over: Partial<ContactCreated['data']> = {}): ContactCreated => ({
  type: 'ContactCreated',
  data: {
    contact_id: 'c1',
    workspace_id: 'w1',
    role: 'user',
    external_id: '70',
    email: 'old@example.com',
    phone: '+1 555',
    name: 'Old',
    avatar: null,
    owner_id: null,
    signed_up_at: null,
    last_seen_at: null,
    unsubscribed_from_emails: false,
    custom_attributes: { plan: 'free', seats: 3 },
    occurred_at: 1000,
    ...over,
  },
});

/** given events, when a command, then the new events */
function given(...events: ContactEvent[]) {
  const contact = Contact.fromEvents(events);
  return {
    whenUpdated: (patch: Parameters<Contact['update']>[0], ctx = context()) => {
      contact.update(patch, ctx);
      return { events: contact.pendingEvents, state: contact.state };
    },
  };
}

describe('Contact.update', () => {
  it('records the field diff of a partial update', () => {
    const { events, state } = given(created()).whenUpdated({ email: 'joebloggs@intercom.io', name: 'joe bloggs' });
    expect(events).toEqual([
      {
        type: 'ContactUpdated',
        data: {
          changes: { email: { from: 'old@example.com', to: 'joebloggs@intercom.io' }, name: { from: 'Old', to: 'joe bloggs' } },
          occurred_at: 2000,
        },
      },
    ]);
    expect(state).toMatchObject({ external_id: '70', phone: '+1 555', updated_at: 2000, created_at: 1000 });
  });

  it('records nothing when nothing changes', () => {
    const { events, state } = given(created()).whenUpdated({ email: 'old@example.com', name: 'Old', custom_attributes: { plan: 'free' } });
    expect(events).toEqual([]);
    expect(state.updated_at).toBe(1000);
  });

  it('clears nullable fields sent as null', () => {
    const { events, state } = given(created()).whenUpdated({ phone: null, name: null });
    expect(events[0].data).toMatchObject({ changes: { phone: { from: '+1 555', to: null }, name: { from: 'Old', to: null } } });
    expect(state.phone).toBeNull();
  });

  it('refuses to turn a user into a lead', () => {
    expect(() => given(created()).whenUpdated({ role: 'lead' })).toThrow(UserToLeadError);
  });

  it('turns a lead into a user', () => {
    const { events } = given(created({ role: 'lead' })).whenUpdated({ role: 'user' });
    expect(events[0].data).toMatchObject({ changes: { role: { from: 'lead', to: 'user' } } });
  });

  it('merges custom attributes per key and clears a key sent as null', () => {
    const { events, state } = given(created()).whenUpdated({ custom_attributes: { plan: 'pro', seats: null, vip: true } });
    expect(events[0].data).toMatchObject({
      changes: {
        'custom_attributes.plan': { from: 'free', to: 'pro' },
        'custom_attributes.seats': { from: 3, to: null },
        'custom_attributes.vip': { from: null, to: true },
      },
    });
    expect(state.custom_attributes).toEqual({ plan: 'pro', vip: true });
  });

  it('refuses an unknown custom attribute', () => {
    expect(() => given(created()).whenUpdated({ custom_attributes: { nope: 1 } })).toThrow(UnknownCustomAttributeError);
  });

  it.each([
    ['plan', 5],
    ['seats', 1.5],
    ['seats', 'three'],
    ['score', 'high'],
    ['vip', 'yes'],
    ['renews_at', -1],
  ])('refuses %s = %j for its data type', (name, value) => {
    expect(() => given(created()).whenUpdated({ custom_attributes: { [name]: value } })).toThrow(CustomAttributeTypeError);
  });

  it('accepts an owner only when it is an admin of the workspace', () => {
    expect(() => given(created()).whenUpdated({ owner_id: 8 })).toThrow(OwnerNotAdminError);
    const { events } = given(created()).whenUpdated({ owner_id: 7 });
    expect(events[0].data).toMatchObject({ changes: { owner_id: { from: null, to: 7 } } });
  });

  it('treats a null unsubscribed_from_emails as false', () => {
    const { events } = given(created({ unsubscribed_from_emails: true })).whenUpdated({ unsubscribed_from_emails: null });
    expect(events[0].data).toMatchObject({ changes: { unsubscribed_from_emails: { from: true, to: false } } });
  });

  it('keeps the rebuilt state equal to the state it decided on', () => {
    const contact = Contact.fromEvents([created()]);
    contact.update({ name: 'New', custom_attributes: { plan: 'pro' } }, context());
    const replayed = Contact.fromEvents([created(), ...contact.pendingEvents]);
    expect(replayed.state).toEqual(contact.state);
    expect(replayed.version).toBe(2);
  });
});

describe('Contact.create', () => {
  it('defaults the role to user and records the given fields', () => {
    const contact = Contact.create('c9', 'w1', { email: 'joebloggs@intercom.io' }, context());
    expect(contact.pendingEvents).toHaveLength(1);
    expect(contact.state).toMatchObject({ id: 'c9', role: 'user', email: 'joebloggs@intercom.io', created_at: 2000, updated_at: 2000 });
  });

  it('needs one of email, external_id or role', () => {
    expect(() => Contact.create('c9', 'w1', { name: 'x' }, context())).toThrow(ContactIdentityMissingError);
  });

  it('checks custom attributes and owner like an update', () => {
    expect(() => Contact.create('c9', 'w1', { role: 'lead', custom_attributes: { nope: 'x' } }, context())).toThrow(UnknownCustomAttributeError);
    expect(() => Contact.create('c9', 'w1', { role: 'lead', owner_id: 99 }, context())).toThrow(OwnerNotAdminError);
  });
});

describe('Contact notes, tags and merge', () => {
  it('records a note by an admin of the workspace, and refuses an unknown author', () => {
    const contact = Contact.fromEvents([created()]);
    contact.addNote('n1', '<p>hi</p>', 7, context());
    expect(contact.pendingEvents).toEqual([{ type: 'NoteAdded', data: { note_id: 'n1', body: '<p>hi</p>', admin_id: 7, occurred_at: 2000 } }]);
    expect(contact.state.note_ids).toEqual(['n1']);
    expect(() => Contact.fromEvents([created()]).addNote('n2', 'x', 8, context())).toThrow(NoteAuthorNotFoundError);
  });

  it('tags once: a second tag or an untag of an absent tag records nothing', () => {
    const contact = Contact.fromEvents([created()]);
    contact.tag('t1', 7, 2000);
    contact.tag('t1', 7, 2001);
    contact.untag('t2', 2002);
    expect(contact.pendingEvents.map((e) => e.type)).toEqual(['ContactTagged']);
  });

  it('merges a lead into a user: empty fields and missing attributes fill, relations move, both streams record it', () => {
    const lead = Contact.fromEvents([
      created({ contact_id: 'lead', role: 'lead', email: 'same@example.com', name: 'Lead', phone: '+1', custom_attributes: { plan: 'trial', vip: true } }),
      { type: 'ContactTagged', data: { tag_id: 't1', admin_id: null, occurred_at: 1500 } },
    ]);
    const user = Contact.fromEvents([created({ contact_id: 'user', email: 'SAME@example.com', name: null, phone: null, custom_attributes: { plan: 'pro' } })]);
    lead.mergeInto(user, 2000, true);
    expect(lead.pendingEvents).toEqual([{ type: 'ContactMergedInto', data: { into_contact_id: 'user', occurred_at: 2000 } }]);
    expect(user.pendingEvents[0]).toMatchObject({
      type: 'ContactMergedFrom',
      data: { from_contact_id: 'lead', tag_ids: ['t1'], changes: { name: { from: null, to: 'Lead' }, phone: { from: null, to: '+1' }, 'custom_attributes.vip': { from: null, to: true } } },
    });
    expect(user.state).toMatchObject({ name: 'Lead', custom_attributes: { plan: 'pro', vip: true }, tag_ids: ['t1'] });
    expect(lead.state.merged_into).toBe('user');
  });

  it('refuses a merge from a user, into a lead, or (2.16) between contacts that are not duplicates', () => {
    const lead = () => Contact.fromEvents([created({ contact_id: 'lead', role: 'lead', email: 'a@example.com', phone: null })]);
    const user = () => Contact.fromEvents([created({ contact_id: 'user', email: 'b@example.com', phone: null })]);
    expect(() => user().mergeInto(lead(), 2000)).toThrow(InvalidMergeError);
    expect(() => lead().mergeInto(lead(), 2000)).toThrow(InvalidMergeError);
    expect(() => lead().mergeInto(user(), 2000, true)).toThrow(NotDuplicatesError);
    expect(() => lead().mergeInto(user(), 2000, false)).not.toThrow();
  });
});
