import { describe, expect, it } from 'vitest';
import { type ContactEvent, UnknownContactEventError, toContactEvent } from './contact.events.js';
import { archived, created, mergedFrom, noteAdded, updated } from './contact.fixtures.js';

/** Every type of the catalogue: the compiler says when one is missing. */
const CATALOGUE = Object.keys({
  ContactCreated: true,
  ContactUpdated: true,
  ContactArchived: true,
  ContactUnarchived: true,
  ContactBlocked: true,
  ContactDeleted: true,
  ContactTagged: true,
  ContactUntagged: true,
  NoteAdded: true,
  CompanyAttached: true,
  CompanyDetached: true,
  SubscriptionConsentSet: true,
  SubscriptionConsentRemoved: true,
  ContactMergedInto: true,
  ContactMergedFrom: true,
  ContactErased: true,
} satisfies Record<ContactEvent['type'], true>);

describe('toContactEvent', () => {
  it.each(CATALOGUE)('reads a stored %s', (type) => {
    const data = { occurred_at: 1 };
    expect(toContactEvent({ type, data })).toEqual({ type, data });
  });

  it('keeps the payload as it was stored', () => {
    for (const event of [created(), updated({ name: { from: 'a', to: 'b' } }), archived(), noteAdded('n1'), mergedFrom('l1', { tag_ids: ['t1'] })]) {
      expect(toContactEvent({ type: event.type, data: event.data as unknown as Record<string, unknown> })).toEqual(event);
    }
  });

  it('keeps only the type and the payload of a stored event', () => {
    const stored = { type: 'ContactArchived', data: { occurred_at: 5 }, event_id: 'e1', stream_position: 3, metadata: { admin_id: 7 } };
    expect(toContactEvent(stored)).toStrictEqual({ type: 'ContactArchived', data: { occurred_at: 5 } });
  });

  it.each(['ContactRenamed', 'contactcreated', 'TestEvent', '', 'toString', '__proto__'])('refuses %j, a type outside the catalogue', (type) => {
    expect(() => toContactEvent({ type, data: {} })).toThrow(UnknownContactEventError);
    expect(() => toContactEvent({ type, data: {} })).toThrow(`'${type}' is not an event of the contact stream`);
  });
});
