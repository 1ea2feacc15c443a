import { describe, expect, it } from 'vitest';
import { type ContactPatch, createContact, updateContact } from './contact.aggregate.js';
import {
  ContactIdentityMissingError,
  CustomAttributeTypeError,
  OwnerNotAdminError,
  UnknownCustomAttributeError,
  UserToLeadError,
} from './contact.errors.js';
import { CREATED_AT, NOW, created, fold, given, updated } from './contact.fixtures.js';

const update = (patch: ContactPatch) => given(created()).when((state, context) => updateContact(state, patch, context));

describe('updateContact', () => {
  it('records the field diff of a partial update', () => {
    const state = update({ email: 'joebloggs@intercom.io', name: 'joe bloggs' }).thenRecords([
      updated({ email: { from: 'old@example.com', to: 'joebloggs@intercom.io' }, name: { from: 'Old', to: 'joe bloggs' } }),
    ]);
    expect(state).toMatchObject({ email: 'joebloggs@intercom.io', name: 'joe bloggs', external_id: '70', phone: '+1 555', updated_at: NOW, created_at: CREATED_AT });
  });

  it('records nothing when nothing changes', () => {
    const state = update({ email: 'old@example.com', name: 'Old', custom_attributes: { plan: 'free' } }).thenNothing();
    expect(state.updated_at).toBe(CREATED_AT);
  });

  it('clears nullable fields sent as null', () => {
    const state = update({ phone: null, name: null }).thenRecords([updated({ phone: { from: '+1 555', to: null }, name: { from: 'Old', to: null } })]);
    expect(state.phone).toBeNull();
    expect(state.name).toBeNull();
  });

  it('refuses to turn a user into a lead', () => {
    update({ role: 'lead' }).thenThrows(UserToLeadError);
  });

  it('turns a lead into a user', () => {
    const state = given(created({ role: 'lead' }))
      .when((state, context) => updateContact(state, { role: 'user' }, context))
      .thenRecords([updated({ role: { from: 'lead', to: 'user' } })]);
    expect(state.role).toBe('user');
  });

  it('leaves the role alone when it is sent as null', () => {
    update({ role: null }).thenNothing();
  });

  it('merges custom attributes per key and clears a key sent as null', () => {
    const state = update({ custom_attributes: { plan: 'pro', seats: null, vip: true } }).thenRecords([
      updated({
        'custom_attributes.plan': { from: 'free', to: 'pro' },
        'custom_attributes.seats': { from: 3, to: null },
        'custom_attributes.vip': { from: null, to: true },
      }),
    ]);
    expect(state.custom_attributes).toEqual({ plan: 'pro', vip: true });
  });

  it('clears every custom attribute when custom_attributes is null', () => {
    const state = update({ custom_attributes: null }).thenRecords([
      updated({ 'custom_attributes.plan': { from: 'free', to: null }, 'custom_attributes.seats': { from: 3, to: null } }),
    ]);
    expect(state.custom_attributes).toEqual({});
  });

  it('refuses an unknown custom attribute', () => {
    const error = update({ custom_attributes: { nope: 1 } }).thenThrows(UnknownCustomAttributeError);
    expect(error).toMatchObject({ code: 'parameter_invalid', status: 400, field: 'custom_attributes.nope' });
  });

  it.each(['constructor', 'toString', 'hasOwnProperty'])('treats %s as a name like any other, not as a property every object has', (name) => {
    update({ custom_attributes: { [name]: null } }).thenThrows(UnknownCustomAttributeError);
  });

  it('still clears a value whose data attribute is gone', () => {
    given(created({ custom_attributes: { legacy: 'x' } }))
      .when((state, context) => updateContact(state, { custom_attributes: { legacy: null } }, context))
      .thenRecords([updated({ 'custom_attributes.legacy': { from: 'x', to: null } })]);
  });

  it.each([
    ['plan', 5],
    ['seats', 1.5],
    ['seats', 'three'],
    ['score', 'high'],
    ['vip', 'yes'],
    ['renews_at', -1],
  ])('refuses %s = %j for its data type', (name, value) => {
    const error = update({ custom_attributes: { [name]: value } }).thenThrows(CustomAttributeTypeError);
    expect(error.field).toBe(`custom_attributes.${name}`);
  });

  it('accepts an owner only when it is an admin of the workspace', () => {
    const error = update({ owner_id: 8 }).thenThrows(OwnerNotAdminError);
    expect(error).toMatchObject({ code: 'parameter_invalid', status: 400, field: 'owner_id' });
    update({ owner_id: 7 }).thenRecords([updated({ owner_id: { from: null, to: 7 } })]);
  });

  it('keeps an owner that is no longer an admin when the update does not change it', () => {
    given(created({ owner_id: 8 }))
      .when((state, context) => updateContact(state, { owner_id: 8, name: 'New' }, context))
      .thenRecords([updated({ name: { from: 'Old', to: 'New' } })]);
  });

  it('treats a null unsubscribed_from_emails as false', () => {
    given(created({ unsubscribed_from_emails: true }))
      .when((state, context) => updateContact(state, { unsubscribed_from_emails: null }, context))
      .thenRecords([updated({ unsubscribed_from_emails: { from: true, to: false } })]);
  });

  it('keeps the rebuilt state equal to the state it decided on', () => {
    const event = updated({ name: { from: 'Old', to: 'New' }, 'custom_attributes.plan': { from: 'free', to: 'pro' } });
    const state = update({ name: 'New', custom_attributes: { plan: 'pro' } }).thenRecords([event]);
    const history = [created(), event];
    expect(fold(history)).toEqual(state);
    expect(history).toHaveLength(2); // the stream's version after the update
  });
});

describe('createContact', () => {
  const create = (input: ContactPatch) => given().when((_, context) => createContact('c9', 'w1', input, context));

  it('defaults the role to user and records the given fields', () => {
    const state = create({ email: 'joebloggs@intercom.io' }).thenRecords([
      created({
        contact_id: 'c9',
        email: 'joebloggs@intercom.io',
        external_id: null,
        phone: null,
        name: null,
        custom_attributes: {},
        occurred_at: NOW,
      }),
    ]);
    expect(state).toMatchObject({ id: 'c9', role: 'user', email: 'joebloggs@intercom.io', created_at: NOW, updated_at: NOW });
  });

  it('records every field given, and leaves out custom attributes sent as null', () => {
    const fields = {
      role: 'lead',
      external_id: 'x1',
      email: 'a@example.com',
      phone: '+44',
      name: 'A',
      avatar: 'https://example.com/a.png',
      owner_id: 7,
      signed_up_at: 10,
      last_seen_at: 20,
      unsubscribed_from_emails: true,
    } as const;
    create({ ...fields, custom_attributes: { plan: 'pro', seats: null } }).thenRecords([
      created({ contact_id: 'c9', ...fields, custom_attributes: { plan: 'pro' }, occurred_at: NOW }),
    ]);
  });

  it('needs one of email, external_id or role', () => {
    create({ name: 'x' }).thenThrows(ContactIdentityMissingError);
    create({ external_id: 'x' }).thenRecords([
      created({ contact_id: 'c9', external_id: 'x', email: null, phone: null, name: null, custom_attributes: {}, occurred_at: NOW }),
    ]);
  });

  it('checks custom attributes and owner like an update', () => {
    create({ role: 'lead', custom_attributes: { nope: 'x' } }).thenThrows(UnknownCustomAttributeError);
    create({ role: 'lead', custom_attributes: { seats: 'x' } }).thenThrows(CustomAttributeTypeError);
    create({ role: 'lead', owner_id: 99 }).thenThrows(OwnerNotAdminError);
  });
});
