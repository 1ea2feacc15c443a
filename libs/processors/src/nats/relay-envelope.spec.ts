import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '@app/event-store';
import { envelopeOf, subjectOf } from './relay-envelope.js';

const stored = (type: string, streamId: string): StoredEvent => ({
  globalPosition: 9,
  transactionId: '1',
  workspaceId: 'w1',
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
    expect(subjectOf('contacts', stored('CompanyNoteAdded', 'co1'))).toBe('contacts.w1.CompanyNoteAdded');
    const contact = envelopeOf(stored('NoteAdded', 'c1'));
    expect(contact).toMatchObject({ contact_id: 'c1' });
    expect(contact).not.toHaveProperty('company_id');
  });
});
