import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedWorkspace } from '@app/workspaces';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const USER_NOT_FOUND = { code: 'not_found', message: 'User Not Found' };
const DAY = 86_400;
/** A day ago: well inside the 90 days GET /events lists. */
const RECENT = Math.floor(Date.now() / 1000) - DAY;

describe('data events', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let me: Client;
  let them: Client;
  let seq = 0;
  /** A new user (with external_id and email) and a new lead. */
  const people = async () => {
    const n = ++seq;
    const user = await me.ok.contacts.create({ email: `ann${n}@example.com`, external_id: `u-${n}`, name: 'Ann' });
    const lead = await me.ok.contacts.create({ role: 'lead', email: `lead${n}@example.com` });
    return { user, lead };
  };
  const streamOf = (contactId: string) => storedEvents(t, `${contactId}:events`);

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('events');
    me = api(t).as(ws);
    them = api(t).as(await t.newWorkspace('other'));
  });
  afterAll(() => t?.close());

  describe('POST /events', () => {
    it('answers 202 with an empty body and records DataEventTracked on the contact\'s data-event stream', async () => {
      const { user } = await people();
      const res = await me.dataEvents.track({ event_name: 'Invited.Friend', created_at: 1671028894, user_id: user.external_id, metadata: { invite_code: 'ADDAFRIEND' } });
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
      const [event] = await streamOf(user.id);
      expect(event).toMatchObject({
        workspace_id: ws.workspace_id,
        stream_position: 1,
        event_type: 'DataEventTracked',
        data: {
          contact_id: user.id,
          event_name: 'invited-friend',
          created_at: 1671028894,
          user_id: user.external_id,
          email: user.email,
          metadata: { invite_code: 'ADDAFRIEND' },
          occurred_at: expect.any(Number),
        },
        metadata: { actor: { type: 'access_token' }, request_id: expect.stringMatching(UUID) },
      });
      // The contact itself did not change: its stream, its updated_at and its last_seen_at are as they were.
      expect((await storedEvents(t, user.id)).map((e) => e.event_type)).toEqual(['ContactCreated']);
      expect(await me.ok.contacts.get(user.id)).toEqual(user);
    });

    it('finds a contact by id (a lead too), by user_id and by email, in that order of precedence', async () => {
      const { user, lead } = await people();
      for (const body of [{ id: lead.id }, { user_id: user.external_id }, { email: user.email.toUpperCase() }, { id: lead.id, user_id: user.external_id }]) {
        expect((await me.dataEvents.track({ event_name: 'seen', created_at: 1_700_000_000 + ++seq, ...body })).status).toBe(202);
      }
      expect((await streamOf(lead.id)).map((e) => e.data.contact_id)).toEqual([lead.id, lead.id]);
      expect((await streamOf(user.id)).map((e) => e.data.contact_id)).toEqual([user.id, user.id]);
    });

    it('keeps the first ten metadata keys and takes every type Intercom documents', async () => {
      const { user } = await people();
      const metadata = {
        source: 'desktop',
        load: 3.67,
        contact_date: 1392036272,
        article: 'https://example.org/ab1de.html',
        rich: { url: 'https://example.org/ab1de.html', value: 'the dude abides' },
        price: { amount: 34999, currency: 'EUR' },
        paid: true,
        k8: 8,
        k9: 9,
        k10: 10,
        ignored: 11,
        also_ignored: { deeply: { nested: true } },
      };
      expect((await me.dataEvents.track({ event_name: 'placed-order', created_at: 1, id: user.id, metadata })).status).toBe(202);
      const [event] = await streamOf(user.id);
      const { ignored, also_ignored, ...kept } = metadata;
      expect(event.data.metadata).toEqual({ ...kept, price: { amount: 34999, currency: 'eur' } });
      expect(Object.keys(event.data.metadata)).toHaveLength(10);
    });

    it('takes the server clock when created_at is absent', async () => {
      const { user } = await people();
      const before = Math.floor(Date.now() / 1000);
      expect((await me.dataEvents.track({ event_name: 'now', id: user.id })).status).toBe(202);
      const [event] = await streamOf(user.id);
      expect(event.data.created_at).toBeGreaterThanOrEqual(before);
      expect(event.data.created_at).toBe(event.data.occurred_at);
    });

    it('answers a duplicate (same contact, name and created_at) 202 and records it once', async () => {
      const { user } = await people();
      const body = { event_name: 'paid', created_at: 1_600_000_000, id: user.id };
      const answers = await Promise.all(Array.from({ length: 5 }, () => me.dataEvents.track(body)));
      expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
      expect((await me.dataEvents.track({ ...body, event_name: 'PAID' })).status).toBe(202);
      expect(await streamOf(user.id)).toHaveLength(1);
      const summary = await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id, summary: true });
      expect(summary.events).toEqual([expect.objectContaining({ name: 'paid', count: 1 })]);
    });

    it('records concurrent events of one contact each once, in one gap-free stream', async () => {
      const { user } = await people();
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => me.dataEvents.track({ event_name: `e${i % 3}`, created_at: 1000 + i, id: user.id })));
      expect(answers.every((r) => r.status === 202)).toBe(true);
      const events = await streamOf(user.id);
      expect(events.map((e) => e.stream_position)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const summary = await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id, summary: 'true' });
      expect(summary.events.map((e: { name: string; count: number }) => [e.name, e.count])).toEqual([['e0', 7], ['e1', 7], ['e2', 6]]);
    });

    it.each([
      [{ created_at: 1, id: 'x' }, 'event_name'],
      [{ event_name: '', id: 'x' }, 'event_name'],
      [{ event_name: 'x'.repeat(256), id: 'x' }, 'event_name'],
      [{ event_name: 42, id: 'x' }, 'event_name'],
      [{ event_name: 'e', created_at: 'yesterday', id: 'x' }, 'created_at'],
      [{ event_name: 'e', created_at: 1_700_000_000_000, id: 'x' }, 'created_at'],
      [{ event_name: 'e', created_at: -1, id: 'x' }, 'created_at'],
      [{ event_name: 'e', id: 'x', metadata: 'plain' }, 'metadata'],
      [{ event_name: 'e', id: 'x', metadata: { nested: { a: 1 } } }, 'metadata'],
      [{ event_name: 'e', id: 'x', metadata: { list: [1, 2] } }, 'metadata'],
      [{ event_name: 'e', id: 'x', metadata: { 'a.b': 1 } }, 'metadata'],
      [{ event_name: 'e', id: 'x', metadata: { long: 'x'.repeat(256) } }, 'metadata'],
      [{ event_name: 'e', id: 'x', metadata: { price: { amount: 1.5, currency: 'eur' } } }, 'metadata'],
      [{ event_name: 'e', id: 'x', metadata: { link: { url: 'javascript:alert(1)', value: 'x' } } }, 'metadata'],
      [{ event_name: 'e', id: 42.5 }, 'id'],
      [{ event_name: 'e', email: ['a@example.com'] }, 'email'],
    ])('refuses %j with 400 parameter_invalid on %s, and records nothing', async (body, field) => {
      const { user } = await people();
      const res = await me.dataEvents.track({ ...body, ...((body as { id?: unknown }).id === 'x' ? { id: user.id } : {}) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ type: 'error.list', request_id: expect.stringMatching(UUID), errors: [expect.objectContaining({ code: 'parameter_invalid', field })] });
      expect(await streamOf(user.id)).toEqual([]);
    });

    it('refuses an event without a contact (400), for an unknown or another workspace\'s contact (404), without a token (401)', async () => {
      const { user, lead } = await people();
      const none = await me.dataEvents.track({ event_name: 'e', created_at: 1 });
      expect(none.status).toBe(400);
      expect(none.body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: 'An event needs one of id, user_id or email to name its contact' });
      for (const body of [{ id: '650cbc286d0a728750658b15' }, { user_id: 'nobody' }, { email: 'nobody@example.com' }, { email: lead.email }]) {
        const res = await me.dataEvents.track({ event_name: 'e', created_at: 1, ...body });
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual([USER_NOT_FOUND]);
      }
      expect((await them.dataEvents.track({ event_name: 'e', created_at: 1, id: user.id })).status).toBe(404);
      const anonymous = await api(t).as(null).dataEvents.track({ event_name: 'e', created_at: 1, id: user.id });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.errors).toEqual([{ code: 'unauthorized', message: 'Access Token Invalid' }]);
      expect(await streamOf(user.id)).toEqual([]);
    });

    it('refuses a deleted contact with 404', async () => {
      const { user } = await people();
      await me.ok.contacts.delete(user.id);
      expect((await me.dataEvents.track({ event_name: 'e', created_at: 1, id: user.id })).status).toBe(404);
    });
  });

  describe('GET /events?type=user', () => {
    it('lists a contact\'s events newest first in Intercom\'s data_event shape, keyset-paged by pages.next', async () => {
      const { user } = await people();
      for (let i = 1; i <= 5; i++) {
        await me.dataEvents.track({ event_name: `step-${i}`, created_at: RECENT + i, user_id: user.external_id, ...(i === 5 ? { metadata: { n: 5 } } : {}) }).expect(202);
      }
      const stored = await streamOf(user.id);
      const first = await me.ok.dataEvents.list({ type: 'user', user_id: user.external_id, per_page: 2 });
      expect(Object.keys(first)).toEqual(['type', 'events', 'pages']);
      expect(first.type).toBe('event.list');
      expect(first.events[0]).toEqual({
        type: 'event',
        event_name: 'step-5',
        created_at: RECENT + 5,
        user_id: user.external_id,
        id: stored[4].event_id,
        intercom_user_id: user.id,
        email: user.email,
        metadata: { n: 5 },
      });
      expect(Object.keys(first.events[0])).toEqual(['type', 'event_name', 'created_at', 'user_id', 'id', 'intercom_user_id', 'email', 'metadata']);
      const next = new URL(first.pages.next);
      expect(`${next.protocol}//${next.host}`).toBe(t.baseUrl);
      expect(Object.fromEntries(next.searchParams)).toEqual({ type: 'user', intercom_user_id: user.id, per_page: '2', before: expect.stringMatching(/^[\w-]+$/) });
      const second = await me.ok.get(`${next.pathname}${next.search}`);
      const third = await me.ok.get(new URL(second.pages.next).pathname + new URL(second.pages.next).search);
      const names = [first, second, third].flatMap((page) => page.events.map((e: { event_name: string }) => e.event_name));
      expect(names).toEqual(['step-5', 'step-4', 'step-3', 'step-2', 'step-1']);
      expect(third.pages).toEqual({});
    });

    it('finds the contact by intercom_user_id (leads too) and by email; leaves out identifiers a lead lacks', async () => {
      const { user, lead } = await people();
      await me.dataEvents.track({ event_name: 'lead-event', created_at: RECENT, id: lead.id }).expect(202);
      await me.dataEvents.track({ event_name: 'user-event', created_at: RECENT, id: user.id }).expect(202);
      const leads = await me.ok.dataEvents.list({ type: 'user', intercom_user_id: lead.id });
      expect(leads.events).toEqual([{ type: 'event', event_name: 'lead-event', created_at: RECENT, id: expect.stringMatching(UUID), intercom_user_id: lead.id, email: lead.email, metadata: {} }]);
      const byEmail = await me.ok.dataEvents.list({ type: 'user', email: user.email });
      expect(byEmail.events.map((e: { event_name: string }) => e.event_name)).toEqual(['user-event']);
      expect(await me.ok.dataEvents.list({ type: 'user', intercom_user_id: (await people()).user.id })).toEqual({ type: 'event.list', events: [], pages: {} });
    });

    it('lists newest first by created_at, not by recording', async () => {
      const { user } = await people();
      for (const at of [RECENT + 20, RECENT + 10, RECENT + 30]) await me.dataEvents.track({ event_name: 'late', created_at: at, id: user.id }).expect(202);
      const page = await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id });
      expect(page.events.map((e: { created_at: number }) => e.created_at)).toEqual([RECENT + 30, RECENT + 20, RECENT + 10]);
    });

    it('gives a user the events of the leads merged into it: listed (by id, user_id and email), paged and summed up', async () => {
      const { user, lead } = await people();
      const other = await me.ok.contacts.create({ role: 'lead' });
      const track = (id: string, event_name: string, created_at: number) => me.dataEvents.track({ event_name, created_at, id }).expect(202);
      await track(user.id, 'placed-order', RECENT + 1);
      await track(lead.id, 'placed-order', RECENT + 3);
      await track(lead.id, 'viewed-page', RECENT + 2);
      await track(other.id, 'viewed-page', RECENT + 4);
      // The same name and created_at as one of the user's: both are kept, as both were recorded.
      await track(other.id, 'placed-order', RECENT + 1);
      const keysBefore = (await t.pool.query('SELECT count(*)::int AS n FROM contact_data_event_keys WHERE workspace_id = $1', [ws.workspace_id])).rows[0].n;
      await me.ok.contacts.merge({ from: lead.id, into: user.id });
      await me.ok.contacts.merge({ from: other.id, into: user.id });
      // The log and the event rows are as they were: the list finds the leads' streams through the merges.
      expect((await streamOf(lead.id)).map((e) => e.event_type)).toEqual(['DataEventTracked', 'DataEventTracked']);
      expect((await t.pool.query('SELECT count(*)::int AS n FROM contact_data_event_keys WHERE workspace_id = $1', [ws.workspace_id])).rows[0].n).toBe(keysBefore);

      const expected = [
        ['viewed-page', RECENT + 4], ['placed-order', RECENT + 3], ['viewed-page', RECENT + 2], ['placed-order', RECENT + 1], ['placed-order', RECENT + 1],
      ];
      for (const query of [{ intercom_user_id: user.id }, { user_id: user.external_id }, { email: user.email }]) {
        const pages = [await me.ok.dataEvents.list({ type: 'user', ...query, per_page: 2 })];
        while (pages[pages.length - 1].pages.next) {
          const next = new URL(pages[pages.length - 1].pages.next);
          pages.push(await me.ok.get(`${next.pathname}${next.search}`));
        }
        expect(pages).toHaveLength(3);
        const events = pages.flatMap((page) => page.events);
        expect(events.map((e: { event_name: string; created_at: number }) => [e.event_name, e.created_at])).toEqual(expected);
        expect(new Set(events.map((e: { id: string }) => e.id)).size).toBe(5);
        // Every event is the user's now; the lead's own identifiers are those it had when it was recorded.
        expect(events.every((e: { intercom_user_id: string }) => e.intercom_user_id === user.id)).toBe(true);
        expect(events.find((e: { created_at: number }) => e.created_at === RECENT + 3)).toMatchObject({ email: lead.email });
        expect(events.find((e: { created_at: number }) => e.created_at === RECENT + 3)).not.toHaveProperty('user_id');
      }
      const summary = await me.ok.dataEvents.list({ type: 'user', user_id: user.external_id, summary: true });
      expect(summary.events).toEqual([
        { name: 'placed-order', first: new Date((RECENT + 1) * 1000).toISOString(), last: new Date((RECENT + 3) * 1000).toISOString(), count: 3, description: null },
        { name: 'viewed-page', first: new Date((RECENT + 2) * 1000).toISOString(), last: new Date((RECENT + 4) * 1000).toISOString(), count: 2, description: null },
      ]);
      // A merged-away lead is no contact any more; another workspace sees nothing of the user.
      expect((await me.dataEvents.list({ type: 'user', intercom_user_id: lead.id })).status).toBe(404);
      expect((await them.dataEvents.list({ type: 'user', intercom_user_id: user.id })).status).toBe(404);
      // Events the user tracks after the merge come on top.
      await track(user.id, 'placed-order', RECENT + 5);
      const after = await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id, summary: true });
      expect(after.events[0]).toMatchObject({ name: 'placed-order', count: 4, last: new Date((RECENT + 5) * 1000).toISOString() });
    });

    it('lists only the events of the last 90 days (by created_at); the summary counts them all', async () => {
      const { user, lead } = await people();
      const now = Math.floor(Date.now() / 1000);
      const ats = { inside: now - 89 * DAY, outside: now - 91 * DAY, ancient: 1_000_000_000, leadInside: now - 10 * DAY, leadOutside: now - 200 * DAY };
      for (const at of [ats.ancient, ats.inside, ats.outside]) await me.dataEvents.track({ event_name: 'visit', created_at: at, id: user.id }).expect(202);
      await me.dataEvents.track({ event_name: 'visit', created_at: ats.leadInside, id: lead.id }).expect(202);
      await me.dataEvents.track({ event_name: 'visit', created_at: ats.leadOutside, id: lead.id }).expect(202);
      await me.ok.contacts.merge({ from: lead.id, into: user.id });

      const first = await me.ok.dataEvents.list({ type: 'user', user_id: user.external_id, per_page: 1 });
      expect(first.events.map((e: { created_at: number }) => e.created_at)).toEqual([ats.leadInside]);
      const next = new URL(first.pages.next);
      const second = await me.ok.get(`${next.pathname}${next.search}`);
      // The last page within the 90 days has no next, though older events exist.
      expect(second).toMatchObject({ events: [expect.objectContaining({ created_at: ats.inside })], pages: {} });

      const summary = await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id, summary: true });
      expect(summary.events).toEqual([
        { name: 'visit', first: new Date(ats.ancient * 1000).toISOString(), last: new Date(ats.leadInside * 1000).toISOString(), count: 5, description: null },
      ]);
      // Only old events: an empty list, and the summary still has them.
      const { user: old } = await people();
      await me.dataEvents.track({ event_name: 'visit', created_at: ats.outside, id: old.id }).expect(202);
      expect(await me.ok.dataEvents.list({ type: 'user', intercom_user_id: old.id })).toEqual({ type: 'event.list', events: [], pages: {} });
      expect((await me.ok.dataEvents.list({ type: 'user', intercom_user_id: old.id, summary: true })).events).toMatchObject([{ name: 'visit', count: 1 }]);
    });

    it('refuses a cursor it did not give (400 parameter_invalid on before)', async () => {
      const { user } = await people();
      for (const before of ['abc', Buffer.from('events:1:x:y').toString('base64url'), '%%']) {
        const res = await me.dataEvents.list({ type: 'user', intercom_user_id: user.id, before });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ type: 'error.list', errors: [{ code: 'parameter_invalid', field: 'before' }] });
      }
    });

    it('answers summary=true as event.summary: per name count, first and last, by first occurrence', async () => {
      const { user } = await people();
      for (const [name, at] of [['updated-profile', 1458295515], ['purchased-item', 1475235546], ['updated-profile', 1458307718], ['purchased-item', 1475235547]] as const) {
        await me.dataEvents.track({ event_name: name, created_at: at, id: user.id }).expect(202);
      }
      const summary = await me.ok.dataEvents.list({ type: 'user', user_id: user.external_id, summary: true });
      expect(summary).toEqual({
        type: 'event.summary',
        email: user.email,
        intercom_user_id: user.id,
        user_id: user.external_id,
        events: [
          { name: 'updated-profile', first: '2016-03-18T10:05:15.000Z', last: '2016-03-18T13:28:38.000Z', count: 2, description: null },
          { name: 'purchased-item', first: '2016-09-30T11:39:06.000Z', last: '2016-09-30T11:39:07.000Z', count: 2, description: null },
        ],
      });
    });

    it.each([
      [{ user_id: 'u' }, 'type'],
      [{ type: 'company', user_id: 'u' }, 'type'],
      [{ type: 'user', user_id: 'u', per_page: 0 }, 'per_page'],
      [{ type: 'user', user_id: 'u', per_page: 151 }, 'per_page'],
      [{ type: 'user', user_id: 'u', before: 'abc' }, 'before'],
      [{ type: 'user', user_id: 'u', summary: 'yes' }, 'summary'],
    ])('refuses %j with 400 parameter_invalid on %s', async (query, field) => {
      const res = await me.dataEvents.list(query);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field });
    });

    it('refuses a list without a contact (400), an unknown or foreign contact (404), no token (401)', async () => {
      const { user } = await people();
      const none = await me.dataEvents.list({ type: 'user' });
      expect(none.status).toBe(400);
      expect(none.body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: 'Listing events needs one of user_id, intercom_user_id or email' });
      for (const query of [{ intercom_user_id: '650cbc286d0a728750658b15' }, { user_id: 'nobody' }, { email: 'nobody@example.com' }]) {
        const res = await me.dataEvents.list({ type: 'user', ...query });
        expect(res.status).toBe(404);
        expect(res.body.errors).toEqual([USER_NOT_FOUND]);
      }
      expect((await them.dataEvents.list({ type: 'user', intercom_user_id: user.id })).status).toBe(404);
      expect((await them.dataEvents.list({ type: 'user', intercom_user_id: user.id, summary: true })).status).toBe(404);
      expect((await api(t).as(null).dataEvents.list({ type: 'user', intercom_user_id: user.id })).status).toBe(401);
    });
  });

  describe('POST /events/summaries', () => {
    it('adds counted occurrences to the user\'s summaries: 200 with an empty body, one DataEventSummaryRecorded per name', async () => {
      const { user } = await people();
      await me.dataEvents.track({ event_name: 'invited-friend', created_at: RECENT, id: user.id }).expect(202);
      const res = await me.dataEvents.summaries({ user_id: user.external_id, event_summaries: { event_name: 'Invited-Friend', count: 3, first: 1600000000, last: 1650000000 } });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
      await me.dataEvents.summaries({ user_id: user.external_id, event_summaries: [{ event_name: 'a', count: 1, first: 10 }, { event_name: 'b', count: 2 }] }).expect(200);
      expect((await streamOf(user.id)).map((e) => [e.event_type, e.data.event_name, e.data.count])).toEqual([
        ['DataEventTracked', 'invited-friend', undefined],
        ['DataEventSummaryRecorded', 'invited-friend', 3],
        ['DataEventSummaryRecorded', 'a', 1],
        ['DataEventSummaryRecorded', 'b', 2],
      ]);
      const summary = await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id, summary: true });
      expect(summary.events.slice(0, 2)).toEqual([
        { name: 'a', first: '1970-01-01T00:00:10.000Z', last: '1970-01-01T00:00:10.000Z', count: 1, description: null },
        { name: 'invited-friend', first: '2020-09-13T12:26:40.000Z', last: new Date(RECENT * 1000).toISOString(), count: 4, description: null },
      ]);
      // Summaries are not events: the list shows only the tracked one.
      expect((await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id })).events.map((e: { event_name: string }) => e.event_name)).toEqual(['invited-friend']);
    });

    it.each([
      [{ event_summaries: { event_name: 'a', count: 1 } }, 'user_id'],
      [{ user_id: 'u' }, 'event_summaries'],
      [{ user_id: 'u', event_summaries: [] }, 'event_summaries'],
      [{ user_id: 'u', event_summaries: { count: 1 } }, 'event_summaries'],
      [{ user_id: 'u', event_summaries: { event_name: 'a', count: 0 } }, 'event_summaries'],
      [{ user_id: 'u', event_summaries: { event_name: 'a', count: 1, first: 20, last: 10 } }, 'event_summaries'],
      [{ user_id: 'u', event_summaries: Array.from({ length: 101 }, (_, i) => ({ event_name: `n${i}`, count: 1 })) }, 'event_summaries'],
    ])('refuses %j with 400 parameter_invalid on %s', async (body, field) => {
      const res = await me.dataEvents.summaries(body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field });
    });

    it('answers 404 for an unknown user or a lead, and 401 without a token', async () => {
      expect((await me.dataEvents.summaries({ user_id: 'nobody', event_summaries: { event_name: 'a', count: 1 } })).status).toBe(404);
      expect((await api(t).as(null).dataEvents.summaries({ user_id: 'x', event_summaries: { event_name: 'a', count: 1 } })).status).toBe(401);
    });

    it('bounds the distinct event names of a contact, and a refused request records nothing', async () => {
      const { user } = await people();
      const names = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ event_name: `n${from + i}`, count: 1 }));
      for (let i = 0; i < 5; i++) await me.dataEvents.summaries({ user_id: user.external_id, event_summaries: names(i * 100, 100) }).expect(200);
      const over = await me.dataEvents.track({ event_name: 'one-more', created_at: 1, id: user.id });
      expect(over.status).toBe(400);
      expect(over.body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: 'A contact can have at most 500 different event names', field: 'event_name' });
      expect((await me.dataEvents.track({ event_name: 'n7', created_at: 1, id: user.id })).status).toBe(202);
      expect(await streamOf(user.id)).toHaveLength(501);
      expect((await me.ok.dataEvents.list({ type: 'user', intercom_user_id: user.id, summary: true })).events).toHaveLength(500);
    });
  });
});
