import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '@app/event-store';
import { envelopeOf, ownerFilterOf, subjectOf, subjectToken } from './relay-envelope.js';

const stored = (type: string, streamId: string, workspaceId = 'w1'): StoredEvent => ({
  globalPosition: 9,
  transactionId: '1',
  workspaceId,
  streamId,
  streamPosition: 2,
  eventId: 'e1',
  type,
  schemaVersion: 1,
  data: { note_id: 'n1', occurred_at: 1000 },
  metadata: { actor: { type: 'access_token', id: 't1' }, request_id: 'r1' },
  recordedAt: new Date(1_000_000),
});

describe('the NATS relay envelope', () => {
  it('names the company of a company note, as of every company event, and the contact of a contact note', () => {
    const company = envelopeOf(stored('CompanyNoteAdded', 'co1'));
    expect(company).toMatchObject({ type: 'CompanyNoteAdded', company_id: 'co1', stream_position: 2, occurred_at: 1000 });
    expect(company).not.toHaveProperty('contact_id');
    expect(subjectOf('contacts', stored('CompanyNoteAdded', 'co1'))).toBe('contacts.w1.co1.CompanyNoteAdded');
    const contact = envelopeOf(stored('NoteAdded', 'c1'));
    expect(contact).toMatchObject({ contact_id: 'c1' });
    expect(contact).not.toHaveProperty('company_id');
  });
});

describe('the NATS relay subject', () => {
  /** What NATS takes as one token of a published subject. */
  const isToken = (token: string) => token.length > 0 && !/[.*>\s]/.test(token);

  it("carries the owner: a contact's own events and its data events share one filter, another contact's do not match it", () => {
    expect(subjectOf('contacts', stored('ContactCreated', '6571a1b2c3d4e5f6a7b8c9d0'))).toBe('contacts.w1.6571a1b2c3d4e5f6a7b8c9d0.ContactCreated');
    expect(subjectOf('contacts', stored('DataEventTracked', '6571a1b2c3d4e5f6a7b8c9d0:events'))).toBe('contacts.w1.6571a1b2c3d4e5f6a7b8c9d0.DataEventTracked');
    expect(subjectOf('eu.contacts', stored('ContactErased', 'c1'))).toBe('eu.contacts.w1.c1.ContactErased');
    expect(ownerFilterOf('contacts', 'w1', '6571a1b2c3d4e5f6a7b8c9d0')).toBe('contacts.w1.6571a1b2c3d4e5f6a7b8c9d0.>');
    // The workspace filter of before the owner token still matches every message of the workspace.
    expect(subjectOf('contacts', stored('ContactUpdated', 'c1')).startsWith('contacts.w1.')).toBe(true);
  });

  it('keeps every token valid and distinct for ids with dots, wildcards, spaces, percent signs and non-ASCII text', () => {
    const odd = ['a.b', 'a_b', 'a*', 'a>', 'a b', 'a\tb', 'a%2Eb', '%', '', 'é', '😀', 'a:b'];
    const tokens = odd.map(subjectToken);
    expect(tokens.every(isToken), tokens.join(' | ')).toBe(true);
    expect(new Set(tokens).size).toBe(odd.length);
    expect(tokens.slice(0, 3)).toEqual(['a%2Eb', 'a_b', 'a%2A']);
    for (const [i, value] of odd.entries()) if (value !== '') expect(decodeURIComponent(tokens[i])).toBe(value);
    // Ids the service makes (hex object ids, workspace ids) and event types pass unchanged.
    expect(subjectToken('6571a1b2c3d4e5f6a7b8c9d0')).toBe('6571a1b2c3d4e5f6a7b8c9d0');
    expect(subjectToken('ContactErased')).toBe('ContactErased');

    const subject = subjectOf('contacts', stored('Odd.Type', 'x.y>z:events', 'w 1*'));
    expect(subject).toBe('contacts.w%201%2A.x%2Ey%3Ez.Odd%2EType');
    expect(subject.split('.').every(isToken)).toBe(true);
    // An id with a '.' stays one token: contact `a.b` is not caught by the filter `contacts.w1.a.>` of contact `a`.
    expect(subjectOf('contacts', stored('ContactCreated', 'a.b')).split('.')).toHaveLength(4);
    expect(subjectOf('contacts', stored('ContactCreated', 'a.b')).startsWith(ownerFilterOf('contacts', 'w1', 'a').slice(0, -1))).toBe(false);
  });
});
