import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Headers, api, version } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Case = [query: unknown, expected: string[]];

const DAY = 86_400;
const JAN1 = 1577836800; // 2020-01-01T00:00:00Z

describe('POST /contacts/search', () => {
  let t: TestApp;
  /** This workspace, and another one. */
  let me: Client;
  let them: Client;
  let adminId: number;
  const ids: Record<string, string> = {};
  const createdAt: Record<string, number> = {};

  const search = (body: Record<string, unknown>, headers?: Headers) => me.contacts.search(body, headers);
  const f = (field: string, operator: string, value: unknown) => ({ field, operator, value });
  // A contact is named by its email's local part.
  const names = (body: { data: { email: string }[] }) => body.data.map((c) => c.email.split('@')[0].toLowerCase());

  async function expectMatches(cases: Case[]) {
    for (const [query, expected] of cases) {
      const res = await search({ query });
      expect(res.status, `${JSON.stringify(query)}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(names(res.body).sort(), JSON.stringify(query)).toEqual([...expected].sort());
      expect(res.body.total_count, JSON.stringify(query)).toBe(expected.length);
    }
  }

  async function expectRejected(query: unknown, message: RegExp) {
    const res = await search({ query });
    expect(res.status, JSON.stringify(query)).toBe(400);
    expect(res.body).toMatchObject({ type: 'error.list', errors: [{ code: 'parameter_invalid', message: expect.stringMatching(message) }] });
  }

  async function defineAttributes(as: Client, attributes: Record<string, string>) {
    for (const [name, data_type] of Object.entries(attributes)) await as.ok.dataAttributes.define(name, data_type);
  }

  /** Creates a contact and remembers its id and created_at under `name`. */
  async function create(as: Client, name: string, body: Record<string, unknown>) {
    const contact = await as.ok.contacts.create(body);
    ids[name] = contact.id;
    createdAt[name] = contact.created_at;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace();
    me = api(t).as(ws);
    adminId = Number(ws.admin.id);
    await defineAttributes(me, { plan: 'string', seats: 'integer', score: 'float', vip: 'boolean', renews_on: 'date', paid_at: 'datetime' });
    await create(me, 'ann', {
      email: 'Ann@Alpha.io', name: 'Ann Lee', external_id: 'ext-1', phone: '+1 555 0100', owner_id: adminId,
      signed_up_at: JAN1 + 9 * 3600, last_seen_at: JAN1 + 2 * DAY,
      custom_attributes: { plan: 'pro', seats: 5, score: 1.5, vip: true, renews_on: JAN1, paid_at: JAN1 + DAY - 1 },
    });
    await create(me, 'bob', {
      email: 'bob@beta.com', name: 'Bob 50%_off', external_id: 'ext-2', signed_up_at: JAN1 - 1,
      custom_attributes: { plan: 'free', seats: 1, score: 0.25, vip: false, renews_on: JAN1 + DAY },
    });
    await create(me, 'cat', {
      role: 'lead', email: 'cat@alpha.io', signed_up_at: JAN1 + DAY, unsubscribed_from_emails: true,
      custom_attributes: { plan: 'Enterprise', seats: 50 },
    });
    await create(me, 'dan', { email: 'dan@gamma.org', name: 'Dan', external_id: 'ext-4' });
    await create(me, 'eve', { email: 'eve@alpha.io', name: 'Eve', external_id: 'ext-5', custom_attributes: { plan: 'pro' } });
    expect((await me.contacts.archive(ids.eve)).status).toBe(200);
    // Tagging has no endpoint yet: the read model is given ann's tags the way the projection will store them.
    await t.pool.query(`UPDATE contacts SET state = jsonb_set(state, '{tag_ids}', '["7"]') WHERE workspace_id = $1 AND id = $2`, [ws.workspace_id, ids.ann]);

    const other = await t.newWorkspace();
    them = api(t).as(other);
    await defineAttributes(them, { plan: 'string' });
    await create(them, 'zed', { email: 'zed@alpha.io', name: 'Ann Lee', custom_attributes: { plan: 'pro' } });
  });
  afterAll(() => t?.close());

  it('String fields: = != IN NIN ~ !~ ^ $, case-insensitive email, LIKE wildcards taken literally', async () => {
    await expectMatches([
      [f('email', '=', 'ANN@alpha.IO'), ['ann']],
      [f('email', '!=', 'ann@alpha.io'), ['bob', 'cat', 'dan']],
      [f('email', 'IN', ['bob@beta.com', 'cat@alpha.io']), ['bob', 'cat']],
      [f('email', 'NIN', ['bob@beta.com', 'cat@alpha.io']), ['ann', 'dan']],
      [f('email', '~', 'ALPHA'), ['ann', 'cat']],
      [f('email', '!~', 'alpha'), ['bob', 'dan']],
      [f('email', '^', 'b'), ['bob']],
      [f('email', '$', '.org'), ['dan']],
      [f('email_domain', '=', 'alpha.io'), ['ann', 'cat']],
      [f('name', '~', '_'), ['bob']],
      [f('name', '~', '%'), ['bob']],
      [f('name', '^', 'an'), ['ann']],
      [f('name', '=', null), ['cat']],
      [f('name', '!=', 'Dan'), ['ann', 'bob', 'cat']],
      [f('name', '=', "'; DROP TABLE contacts; --"), []],
      [f('role', '=', 'lead'), ['cat']],
      [f('role', 'IN', ['user']), ['ann', 'bob', 'dan']],
      [f('external_id', '^', 'ext-'), ['ann', 'bob', 'dan']],
      [f('external_id', '=', 2), []],
      [f('id', '=', ids.ann), ['ann']],
      [f('phone', '~', '555'), ['ann']],
      [f('browser', '=', 'Chrome'), []],
      [f('browser', '!=', 'Chrome'), ['ann', 'bob', 'cat', 'dan']],
      [f('location.city', '~', 'Paris'), []],
      [f('segment_id', '=', '1'), []],
      [f('segment_id', '!=', '1'), ['ann', 'bob', 'cat', 'dan']],
    ]);
    await expectRejected(f('email', '<', 'x'), /Operator '<' is not allowed on email \(String\)/);
    await expectRejected(f('role', '=', 'admin'), /one of user, lead/);
    await expectRejected(f('email', 'IN', 'ann@alpha.io'), /needs an array/);
  });

  it('Boolean fields: = != IN NIN', async () => {
    await expectMatches([
      [f('unsubscribed_from_emails', '=', true), ['cat']],
      [f('unsubscribed_from_emails', '!=', true), ['ann', 'bob', 'dan']],
      [f('unsubscribed_from_emails', 'IN', [false]), ['ann', 'bob', 'dan']],
      [f('unsubscribed_from_emails', 'NIN', [false]), ['cat']],
      [f('has_hard_bounced', '=', false), ['ann', 'bob', 'cat', 'dan']],
      [f('marked_email_as_spam', '=', true), []],
    ]);
    await expectRejected(f('unsubscribed_from_emails', '~', 'tr'), /Operator '~' is not allowed/);
    await expectRejected(f('unsubscribed_from_emails', '=', 'yes'), /true or false/);
  });

  it('Integer fields: = != IN NIN < > <= >=; owner_id is a string on 2.16', async () => {
    await expectMatches([
      [f('owner_id', '=', adminId), ['ann']],
      [f('owner_id', '!=', adminId), ['bob', 'cat', 'dan']],
      [f('owner_id', 'IN', [adminId, 999999]), ['ann']],
      [f('owner_id', 'NIN', [adminId]), ['bob', 'cat', 'dan']],
      [f('owner_id', '>', 0), ['ann']],
      [f('owner_id', '<', adminId + 1), ['ann']],
      [f('owner_id', '>=', adminId), ['ann']],
      [f('owner_id', '<=', adminId - 1), []],
    ]);
    await expectRejected(f('owner_id', '~', '1'), /Operator '~' is not allowed on owner_id \(Integer\)/);
    await expectRejected(f('owner_id', '=', 'one'), /an integer/);
    const v216 = await search({ query: f('owner_id', '=', String(adminId)) }, version('2.16'));
    expect(names(v216.body)).toEqual(['ann']);
  });

  it('Date fields: = < > by calendar day (UTC), other operators refused', async () => {
    await expectMatches([
      [f('signed_up_at', '=', JAN1 + 12 * 3600), ['ann']],
      [f('signed_up_at', '>', JAN1 + 3600), ['cat']],
      [f('signed_up_at', '<', JAN1 + 23 * 3600), ['bob']],
      [f('signed_up_at', '=', JAN1 - DAY + 5), ['bob']],
      [f('signed_up_at', '>', String(JAN1 - DAY)), ['ann', 'cat']],
      [f('last_seen_at', '=', JAN1 + 2 * DAY + 60), ['ann']],
      [f('last_replied_at', '<', JAN1 + 100 * DAY), []],
      [f('last_replied_at', '=', null), ['ann', 'bob', 'cat', 'dan']],
      [f('created_at', '>', createdAt.ann - DAY), ['ann', 'bob', 'cat', 'dan']],
      [f('created_at', '<', JAN1), []],
    ]);
    const today = await search({ query: f('created_at', '=', createdAt.ann) });
    const sameDay = Object.keys(createdAt).filter((n) => n !== 'eve' && n !== 'zed' && Math.floor(createdAt[n] / DAY) === Math.floor(createdAt.ann / DAY));
    expect(names(today.body).sort()).toEqual(sameDay.sort());
    for (const operator of ['!=', 'IN', 'NIN', '>=', '<=', '~']) {
      await expectRejected(f('created_at', operator, operator.endsWith('IN') ? [JAN1] : JAN1), new RegExp(`Operator '${operator}' is not allowed on created_at \\(Date\\)`));
    }
    await expectRejected(f('created_at', '>', 'yesterday'), /Unix timestamp/);
  });

  it('tag_id: = and != only', async () => {
    await expectMatches([
      [f('tag_id', '=', '7'), ['ann']],
      [f('tag_id', '!=', '7'), ['bob', 'cat', 'dan']],
      [f('tag_id', '=', '8'), []],
    ]);
    await expectRejected(f('tag_id', 'IN', ['7']), /Operator 'IN' is not allowed on tag_id/);
  });

  it('custom attributes of each data type, typed by the workspace data attributes', async () => {
    await expectMatches([
      [f('custom_attributes.plan', '=', 'pro'), ['ann']],
      [f('custom_attributes.plan', '!=', 'pro'), ['bob', 'cat', 'dan']],
      [f('custom_attributes.plan', 'IN', ['pro', 'free']), ['ann', 'bob']],
      [f('custom_attributes.plan', 'NIN', ['pro']), ['bob', 'cat', 'dan']],
      [f('custom_attributes.plan', '~', 'ENTER'), ['cat']],
      [f('custom_attributes.plan', '!~', 'r'), ['dan']],
      [f('custom_attributes.plan', '^', 'pr'), ['ann']],
      [f('custom_attributes.plan', '$', 'ee'), ['bob']],
      [f('custom_attributes.seats', '=', 5), ['ann']],
      [f('custom_attributes.seats', '!=', 5), ['bob', 'cat', 'dan']],
      [f('custom_attributes.seats', 'IN', [1, 50]), ['bob', 'cat']],
      [f('custom_attributes.seats', 'NIN', [1]), ['ann', 'cat', 'dan']],
      [f('custom_attributes.seats', '>', 1), ['ann', 'cat']],
      [f('custom_attributes.seats', '<', 5), ['bob']],
      [f('custom_attributes.seats', '>=', 5), ['ann', 'cat']],
      [f('custom_attributes.seats', '<=', 5), ['ann', 'bob']],
      [f('custom_attributes.score', '=', 1.5), ['ann']],
      [f('custom_attributes.score', '>', 0.3), ['ann']],
      [f('custom_attributes.score', '<', 1), ['bob']],
      [f('custom_attributes.score', 'IN', [0.25]), ['bob']],
      [f('custom_attributes.vip', '=', true), ['ann']],
      [f('custom_attributes.vip', '=', false), ['bob']],
      [f('custom_attributes.vip', '!=', true), ['bob', 'cat', 'dan']],
      [f('custom_attributes.vip', 'IN', [true, false]), ['ann', 'bob']],
      [f('custom_attributes.vip', 'NIN', [true]), ['bob', 'cat', 'dan']],
      [f('custom_attributes.renews_on', '=', JAN1 + 5 * 3600), ['ann']],
      [f('custom_attributes.renews_on', '>', JAN1), ['bob']],
      [f('custom_attributes.renews_on', '<', JAN1 + DAY), ['ann']],
      [f('custom_attributes.paid_at', '=', JAN1 + 1), ['ann']],
      [f('custom_attributes.paid_at', '>', JAN1), []],
    ]);
    await expectRejected(f('custom_attributes.plan', '<', 'x'), /not allowed on custom_attributes\.plan \(String\)/);
    await expectRejected(f('custom_attributes.seats', '~', '5'), /not allowed on custom_attributes\.seats \(Integer\)/);
    await expectRejected(f('custom_attributes.seats', '=', 'five'), /an integer/);
    await expectRejected(f('custom_attributes.score', '^', '1'), /not allowed on custom_attributes\.score \(Float\)/);
    await expectRejected(f('custom_attributes.vip', '>', true), /not allowed on custom_attributes\.vip \(Boolean\)/);
    await expectRejected(f('custom_attributes.renews_on', '!=', JAN1), /not allowed on custom_attributes\.renews_on \(Date\)/);
    await expectRejected(f('custom_attributes.nope', '=', 'x'), /Custom attribute 'nope' does not exist/);
  });

  it('AND / OR nest two levels deep with at most 15 filters per group', async () => {
    const ruleOut = f('email', '=', 'nobody@example.com');
    await expectMatches([
      [{ operator: 'AND', value: [{ operator: 'OR', value: [f('email', '~', 'alpha'), f('custom_attributes.plan', '=', 'free')] }, f('role', '=', 'user')] }, ['ann', 'bob']],
      [{ operator: 'OR', value: [{ operator: 'AND', value: [f('role', '=', 'lead'), f('email', '^', 'cat')] }, { operator: 'AND', value: [f('name', '=', 'Dan')] }] }, ['cat', 'dan']],
      [{ operator: 'OR', value: [...Array(14).fill(ruleOut), f('name', '=', 'Dan')] }, ['dan']],
    ]);
    await expectRejected({ operator: 'AND', value: [{ operator: 'OR', value: [{ operator: 'AND', value: [ruleOut] }] }] }, /nested at most 2 levels/);
    await expectRejected({ operator: 'OR', value: Array(16).fill(ruleOut) }, /at most 15 filters, got 16/);
    await expectRejected({ operator: 'AND', value: [] }, /non-empty array/);
  });

  it('refuses unknown fields, unknown operators and a missing query', async () => {
    await expectRejected(f('favourite_colour', '=', 'blue'), /'favourite_colour' is not a searchable contact field/);
    await expectRejected(f('email', 'LIKE', 'a'), /'LIKE' is not a search operator/);
    const missing = await search({ pagination: { per_page: 5 } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'query' });
  });

  it('pages with pagination.starting_after in the body and omits next on the last page', async () => {
    const query = f('role', '=', 'user');
    const seen: string[] = [];
    let body = (await search({ query, pagination: { per_page: 1 } })).body;
    for (let page = 1; ; page++) {
      expect(body.total_count).toBe(3);
      expect(body.pages).toMatchObject({ type: 'pages', page, per_page: 1, total_pages: 3 });
      seen.push(...names(body));
      if (!body.pages.next) break;
      body = (await search({ query, pagination: { per_page: 1, starting_after: body.pages.next.starting_after } })).body;
    }
    expect(seen.sort()).toEqual(['ann', 'bob', 'dan']);
    const bigger = await search({ query, pagination: { per_page: 2 } });
    expect(bigger.body.data).toHaveLength(2);
    expect(bigger.body.pages.next.per_page).toBe(2);
    for (const per_page of [0, 151]) {
      const res = await search({ query, pagination: { per_page } });
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'pagination.per_page' });
    }
    const garbled = await search({ query, pagination: { per_page: 1, starting_after: 'garbled' } });
    expect(garbled.status).toBe(400);
  });

  it('sorts on 2.16, keeps the order across pages, and refuses another order with invalid_sort_order', async () => {
    const everyone = f('email', '~', '@');
    const sorted = async (sort: unknown, per_page = 50) => {
      const seen: string[] = [];
      let starting_after: string | undefined;
      do {
        const res = await search({ query: everyone, pagination: { per_page, starting_after }, sort }, version('2.16'));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        seen.push(...names(res.body));
        starting_after = res.body.pages.next?.starting_after;
      } while (starting_after);
      return seen;
    };
    // Contacts without a value sort first ascending, last descending.
    expect(await sorted({ field: 'signed_up_at', order: 'ascending' })).toEqual(['dan', 'bob', 'ann', 'cat']);
    expect(await sorted({ field: 'signed_up_at', order: 'descending' }, 1)).toEqual(['cat', 'ann', 'bob', 'dan']);
    expect(await sorted({ field: 'signed_up_at' }, 3)).toEqual(['cat', 'ann', 'bob', 'dan']);
    expect(await sorted({ field: 'custom_attributes.seats', order: 'descending' }, 1)).toEqual(['cat', 'ann', 'bob', 'dan']);
    expect(await sorted({ field: 'email', order: 'ascending' }, 2)).toEqual(['ann', 'bob', 'cat', 'dan']);

    const invalid = await search({ query: everyone, sort: { field: 'created_at', order: 'desc' } }, version('2.16'));
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual([{ code: 'invalid_sort_order', message: "Invalid sort order 'desc'. Must be one of: ascending, descending" }]);
    const unknown = await search({ query: everyone, sort: { field: 'shoe_size', order: 'ascending' } }, version('2.16'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'sort' });

    // Before 2.16 there is no sort: it is ignored, and the default order (created_at, then id) applies.
    const ignored = await search({ query: everyone, sort: { field: 'signed_up_at', order: 'desc' } }, version('2.14'));
    expect(ignored.status).toBe(200);
    const byCreation = Object.keys(createdAt).filter((n) => n !== 'eve' && n !== 'zed').sort((a, b) => createdAt[a] - createdAt[b] || (ids[a] < ids[b] ? -1 : 1));
    expect(names(ignored.body)).toEqual(byCreation);

    // A cursor belongs to the order it was made in.
    const sortedPage = await search({ query: everyone, pagination: { per_page: 1 }, sort: { field: 'email', order: 'ascending' } }, version('2.16'));
    const reused = await search({ query: everyone, pagination: { per_page: 1, starting_after: sortedPage.body.pages.next.starting_after } });
    expect(reused.status).toBe(400);
    expect(reused.body.errors[0].field).toBe('starting_after');
  });

  it('never shows archived contacts or another workspace', async () => {
    await expectMatches([
      [f('email', '~', 'eve'), []],
      [f('name', '=', 'Ann Lee'), ['ann']],
      [f('custom_attributes.plan', '=', 'pro'), ['ann']],
    ]);
    const fromOther = await them.contacts.search({ query: f('email', '~', 'alpha') });
    expect(names(fromOther.body)).toEqual(['zed']);
    const otherCustom = await them.contacts.search({ query: f('custom_attributes.seats', '=', 5) });
    expect(otherCustom.status).toBe(400);
  });
});
