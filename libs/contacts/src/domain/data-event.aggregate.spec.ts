import { describe, expect, it } from 'vitest';
import { EventNameLimitError, type DataEventStreamState, recordSummaries, trackEvent } from './data-event.aggregate.js';
import { EVENT_LIMITS, keptMetadata, metadataProblem, normalizeEventName } from './data-event-metadata.js';
import { contactIdOfStream, dataEventStreamId } from './data-event.events.js';

const NOW = 1_700_000_000;
const given = (names: string[] = [], duplicate = false): DataEventStreamState => ({
  contactId: 'c1',
  userId: 'u-1',
  email: 'ann@example.com',
  names: new Set(names),
  duplicate,
});

describe('trackEvent', () => {
  it('records the event with its normalized name, the contact identifiers and the kept metadata', () => {
    const metadata = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    expect(trackEvent(given(), { event_name: 'Completed.Order$', created_at: 1_600_000_000, metadata: { ...metadata, price: { amount: 10, currency: 'EUR' } } }, NOW)).toEqual([
      {
        type: 'DataEventTracked',
        data: {
          contact_id: 'c1',
          event_name: 'completed-order-',
          created_at: 1_600_000_000,
          user_id: 'u-1',
          email: 'ann@example.com',
          metadata: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])),
          occurred_at: NOW,
        },
      },
    ]);
  });

  it('takes the server clock when created_at is absent, and lower-cases a currency', () => {
    const [event] = trackEvent(given(), { event_name: 'paid', metadata: { price: { amount: 34999, currency: 'EUR' } } }, NOW);
    expect(event.data).toMatchObject({ created_at: NOW, metadata: { price: { amount: 34999, currency: 'eur' } } });
  });

  it('records nothing for a duplicate', () => {
    expect(trackEvent(given([], true), { event_name: 'paid', created_at: 1 }, NOW)).toEqual([]);
  });

  it('refuses a new name past the per-contact bound, but not a known one', () => {
    const full = given(Array.from({ length: EVENT_LIMITS.namesPerContact }, (_, i) => `e${i}`));
    expect(() => trackEvent(full, { event_name: 'new' }, NOW)).toThrow(EventNameLimitError);
    expect(trackEvent(full, { event_name: 'E7' }, NOW)).toHaveLength(1);
  });
});

describe('recordSummaries', () => {
  it('adds up summaries of one name and records one event per name', () => {
    const events = recordSummaries(given(), [
      { event_name: 'Paid', count: 2, first: 10, last: 20 },
      { event_name: 'paid', count: 3, first: 5, last: 15 },
      { event_name: 'viewed', count: 1, first: 7, last: 7 },
    ], NOW);
    expect(events.map((e) => e.data)).toEqual([
      { contact_id: 'c1', event_name: 'paid', count: 5, first: 5, last: 20, occurred_at: NOW },
      { contact_id: 'c1', event_name: 'viewed', count: 1, first: 7, last: 7, occurred_at: NOW },
    ]);
  });

  it('refuses names past the bound', () => {
    const almost = given(Array.from({ length: EVENT_LIMITS.namesPerContact - 1 }, (_, i) => `e${i}`));
    const two = [{ event_name: 'a', count: 1, first: 1, last: 1 }, { event_name: 'b', count: 1, first: 1, last: 1 }];
    expect(() => recordSummaries(almost, two, NOW)).toThrow(EventNameLimitError);
    expect(recordSummaries(almost, two.slice(0, 1), NOW)).toHaveLength(1);
  });
});

describe('metadata rules', () => {
  it('keeps the first ten distinct keys, case-insensitively', () => {
    const kept = keptMetadata({ A: 1, a: 2, ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i])) });
    expect(kept.map(([key]) => key)).toEqual(['A', 'k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8']);
  });

  it.each([
    [{ ok: 'x', 'a.b': 1 }, /must not contain/],
    [{ nested: { a: 1 } }, /nested JSON is not supported/],
    [{ list: [1] }, /nested JSON/],
    [{ none: null }, /nested JSON/],
    [{ link: { url: 'ftp://x', value: 'y' } }, /http or https URL/],
    [{ price: { amount: -1, currency: 'eur' } }, /cents/],
    [{ price: { amount: 1, currency: 'euro' } }, /ISO 4217/],
    [{ long: 'x'.repeat(256) }, /at most 255 characters/],
  ])('refuses %j', (metadata, message) => {
    expect(metadataProblem(metadata)).toMatch(message);
  });

  it('accepts Intercom documented types, and does not look past the tenth key', () => {
    const documented = {
      source: 'desktop',
      load: 3.67,
      contact_date: 1392036272,
      article: 'https://example.org/ab1de.html',
      rich: { url: 'https://example.org/ab1de.html', value: 'the dude abides' },
      price: { amount: 34999, currency: 'eur' },
      flag: true,
      long_link: `https://example.org/${'x'.repeat(1000)}`,
    };
    expect(metadataProblem(documented)).toBeUndefined();
    const eleventhBad = { ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])), bad: { a: 1 } };
    expect(metadataProblem(eleventhBad)).toBeUndefined();
  });

  it('normalizes names as Intercom does', () => {
    expect(normalizeEventName(' Completed.Order ')).toBe('completed-order');
  });

  it('names the data-event stream after its contact', () => {
    expect(dataEventStreamId('abc')).toBe('abc:events');
    expect(contactIdOfStream('abc:events')).toBe('abc');
    expect(contactIdOfStream('abc')).toBe('abc');
  });
});
