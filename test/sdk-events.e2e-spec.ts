import { IntercomClient, IntercomError } from 'intercom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedEvents } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The error a call must fail with. */
const failure = (call: Promise<unknown>): Promise<IntercomError> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: IntercomError) => error,
  );

/** A day ago: GET /events lists the last 90 days. */
const AT = Math.floor(Date.now() / 1000) - 86_400;
const iso = (at: number) => new Date(at * 1000).toISOString();

// intercom-client 7.0.3 has events.create, events.list (the list and, with summary, the summary) and events.summaries.
describe.each(['2.11', '2.14'] as const)('the SDK\'s events methods at Intercom-Version %s', (version) => {
  let t: TestApp;
  let client: IntercomClient;
  let user: { id: string; external_id: string; email: string };
  let lead: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace('sdk-events');
    client = new IntercomClient({ token: ws.access_token, baseUrl: t.baseUrl, version, maxRetries: 0 });
    user = (await client.contacts.create({ email: `events.${version}@example.com`, external_id: `ev-${version}` })) as typeof user;
    lead = await client.contacts.create({ role: 'lead' });
  });
  afterAll(() => t?.close());

  it('create submits an event by user_id, id and email, and answers nothing', async () => {
    const byUserId = await client.events.create({ user_id: user.external_id, event_name: 'invited-friend', created_at: AT, metadata: { invite_code: 'ADDAFRIEND' } }).withRawResponse();
    expect(byUserId.data).toBeUndefined();
    expect(byUserId.rawResponse.status).toBe(202);
    await client.events.create({ id: lead.id, event_name: 'viewed-pricing', created_at: AT + 1 });
    await client.events.create({ email: user.email, event_name: 'invited-friend', created_at: AT + 2 });
    expect((await storedEvents(t, `${user.id}:events`)).map((e) => [e.event_type, e.data.created_at])).toEqual([
      ['DataEventTracked', AT],
      ['DataEventTracked', AT + 2],
    ]);
    expect(await storedEvents(t, `${lead.id}:events`)).toHaveLength(1);
  });

  it('list answers the events newest first, and with summary the event.summary the SDK types', async () => {
    const list = await client.events.list({ type: 'user', user_id: user.external_id, per_page: 1 });
    const page = list as unknown as { type: string; events: { event_name: string; created_at: number; intercom_user_id: string }[]; pages: { next?: string } };
    expect(page.type).toBe('event.list');
    expect(page.events).toEqual([expect.objectContaining({ type: 'event', event_name: 'invited-friend', created_at: AT + 2, intercom_user_id: user.id })]);
    expect(page.pages.next).toMatch(/\/events\?type=user&intercom_user_id=[0-9a-f]{24}&per_page=1&before=[\w-]+$/);

    const leads = await client.events.list({ type: 'user', intercom_user_id: lead.id });
    expect((leads as unknown as { events: unknown[] }).events).toHaveLength(1);

    const summary = await client.events.list({ type: 'user', email: user.email, summary: true });
    expect(summary).toEqual({
      type: 'event.summary',
      email: user.email,
      intercom_user_id: user.id,
      user_id: user.external_id,
      events: [{ name: 'invited-friend', first: iso(AT), last: iso(AT + 2), count: 2, description: null }],
    });
  });

  it('summaries adds counted occurrences to a user', async () => {
    const answer = await client.events.summaries({ user_id: user.external_id, event_summaries: { event_name: 'invited-friend', count: 5, first: 1600000000, last: 1700000000 } }).withRawResponse();
    expect(answer.data).toBeUndefined();
    expect(answer.rawResponse.status).toBe(200);
    const summary = await client.events.list({ type: 'user', intercom_user_id: user.id, summary: true });
    expect(summary.events).toEqual([{ name: 'invited-friend', first: '2020-09-13T12:26:40.000Z', last: iso(AT + 2), count: 7, description: null }]);
  });

  it('surfaces 404, 400 and 401 as IntercomError with the error.list body', async () => {
    const missing = await failure(client.events.create({ id: '650cbc286d0a728750658b15', event_name: 'x', created_at: 1 }));
    expect(missing).toBeInstanceOf(IntercomError);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({ type: 'error.list', errors: [{ code: 'not_found', message: 'User Not Found' }] });

    const bad = await failure(client.events.create({ id: user.id, event_name: 'x', created_at: 1, metadata: { nested: { a: 1 } as unknown as string } }));
    expect(bad.statusCode).toBe(400);
    expect((bad.body as { errors: { field: string }[] }).errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'metadata' });

    const unknownList = await failure(client.events.list({ type: 'user', user_id: 'nobody' }));
    expect(unknownList.statusCode).toBe(404);
    const noSummary = await failure(client.events.summaries());
    expect(noSummary.statusCode).toBe(400);

    const stranger = new IntercomClient({ token: 'not-a-token', baseUrl: t.baseUrl, version, maxRetries: 0 });
    const denied = await failure(stranger.events.create({ id: user.id, event_name: 'x', created_at: 1 }));
    expect(denied.statusCode).toBe(401);
    expect((denied.body as { errors: unknown[] }).errors).toEqual([{ code: 'unauthorized', message: 'Access Token Invalid' }]);
  });
});
