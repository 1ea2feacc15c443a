import fastJsonStringify from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { NEWEST_VERSION, OLDEST_VERSION } from '@app/intercom';
import { companyAttached, consentSet, created, noteAdded, tagged } from '../domain/contact.fixtures.js';
import { type ContactState, evolve } from '../domain/contact.state.js';
import { renderContact } from './contact.response.js';
import { CONTACT_LIST_SCHEMA, CONTACT_SCHEMA, responseSerializer } from './contact.schema.js';

const fold = (...events: Parameters<typeof evolve>[1][]) => events.reduce<ContactState | null>(evolve, null)!;

/** Contacts with every kind of value the object holds: nulls, numbers, strings that look like numbers, lists. */
const STATES: ContactState[] = [
  fold(created()),
  fold(
    created({ role: 'lead', external_id: null, email: null, phone: null, name: null, owner_id: 12, signed_up_at: 5, last_seen_at: 6 }),
    tagged('t1'),
    noteAdded('n1'),
    companyAttached('co1'),
    consentSet('s1', 'opt_in'),
  ),
  fold(
    created({
      external_id: '007',
      name: '123',
      email: 'a"b\\c@example.com',
      email_verified: true,
      avatar: 'https://example.com/a.png',
      unsubscribed_from_emails: true,
      custom_attributes: { plan: 'pro', seats: 1.5, vip: true, nested: '{"x":1}', 'odd key"': 'é\u2028' },
    }),
    ...Array.from({ length: 12 }, (_, i) => tagged(`t${i}`)),
    consentSet('s2', 'opt_out'),
  ),
];

/** include_merge_history's answer for a contact: two merges. */
const MERGES = (state: ContactState) =>
  new Map([[state.id, [{ source_contact_id: 'l1', merged_at: 10 }, { source_contact_id: 'l2', merged_at: 11 }]]]);

const VERSIONS = Array.from({ length: NEWEST_VERSION - OLDEST_VERSION + 1 }, (_, i) => OLDEST_VERSION + i);

describe('the contact response schema', () => {
  const contact = fastJsonStringify(CONTACT_SCHEMA as never);
  const list = fastJsonStringify(CONTACT_LIST_SCHEMA as never);

  it('serializes every contact of every version exactly as JSON.stringify does', () => {
    for (const version of VERSIONS) {
      for (const state of STATES) {
        for (const history of [undefined, MERGES(state)]) {
          const body = renderContact(state, version, history);
          expect(contact(body), `version 2.${version}`).toBe(JSON.stringify(body));
        }
      }
    }
  });

  it('serializes a list page exactly as JSON.stringify does', () => {
    for (const version of VERSIONS) {
      const page = {
        type: 'list',
        data: STATES.map((state) => renderContact(state, version)),
        total_count: 3,
        pages: { type: 'pages', page: 1, per_page: 3, total_pages: 1, next: { per_page: 3, starting_after: 'abc' } },
      };
      expect(list(page)).toBe(JSON.stringify(page));
    }
  });

  it('writes a list page as the bytes of JSON.stringify, the contacts one by one', () => {
    const bytes = responseSerializer({ schema: CONTACT_LIST_SCHEMA });
    for (const data of [[], STATES.map((state) => renderContact(state, NEWEST_VERSION, MERGES(state)))]) {
      const page = { type: 'list', data, total_count: data.length, pages: { type: 'pages', page: 1, per_page: 3, total_pages: 1 } };
      const written = bytes(page);
      expect(Buffer.isBuffer(written)).toBe(true);
      expect(written.toString('utf8')).toBe(JSON.stringify(page));
    }
  });

  it('would drop a key it does not name, which is why the tests above compare whole strings', () => {
    const body = { ...renderContact(STATES[0], NEWEST_VERSION), not_in_the_schema: 1 };
    expect(contact(body)).not.toBe(JSON.stringify(body));
  });
});
