import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api } from './support/api.js';
import { UUID } from './support/shape.js';
import { storedEvents } from './support/stored-events.js';
import { type TestApp, startTestApp } from './support/test-app.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
const UNAUTHORIZED = { type: 'error.list', request_id: expect.stringMatching(UUID), errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] };

describe('authentication: Bearer, or HTTP Basic with the token as user name', () => {
  let t: TestApp;
  let token: string;
  let me: Client;
  let anyone: Client;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace('auth');
    token = ws.access_token;
    me = api(t).as(ws);
    anyone = api(t).as(null);
  });
  afterAll(() => t?.close());

  it.each([
    ['Basic with an empty password, as the older SDKs send it', (tok: string) => basic(`${tok}:`)],
    ['Basic without the colon', (tok: string) => basic(tok)],
    ['Basic with a password of spaces', (tok: string) => basic(`${tok}:  `)],
    ['Basic in lower case', (tok: string) => `basic ${Buffer.from(`${tok}:`).toString('base64')}`],
    ['Bearer', (tok: string) => `Bearer ${tok}`],
  ])('takes %s: the write is the workspace\'s, recorded as the token', async (_, header) => {
    const res = await anyone.contacts.create({ email: `basic-${Math.random()}@example.com` }, { Authorization: header(token) });
    expect(res.status).toBe(200);
    expect(await me.ok.contacts.get(res.body.id)).toEqual(res.body);
    const [created] = await storedEvents(t, res.body.id);
    expect(created.metadata.actor).toMatchObject({ type: 'access_token' });
  });

  it('gives both forms the same actor: the token, not the way it came', async () => {
    const viaBasic = await anyone.ok.contacts.create({ email: 'actor-basic@example.com' }, { Authorization: basic(`${token}:`) });
    const viaBearer = await me.ok.contacts.create({ email: 'actor-bearer@example.com' });
    const [a] = await storedEvents(t, viaBasic.id);
    const [b] = await storedEvents(t, viaBearer.id);
    expect(a.metadata.actor).toEqual(b.metadata.actor);
  });

  it.each([
    ['a wrong token', basic('tok_wrong:')],
    ['the right token with a password (the retired app id and API key pair)', 'PASSWORD'],
    ['an empty user name', basic(':')],
    ['credentials that are not base64', 'Basic %%%'],
    ['an empty Basic header', 'Basic '],
    ['a token longer than any issued', basic(`${'t'.repeat(300)}:`)],
    ['another scheme', 'Token abc'],
  ])('answers %s with 401 and the exact Intercom body, changing nothing', async (_, header) => {
    const contact = await me.ok.contacts.create({ email: `victim-${Math.random()}@example.com` });
    const authorization = header === 'PASSWORD' ? basic(`${token}:secret`) : header;
    const res = await anyone.contacts.update(contact.id, { name: 'changed' }, { Authorization: authorization });
    expect(res.status).toBe(401);
    expect(Object.keys(res.body)).toEqual(['type', 'request_id', 'errors']);
    expect(res.body).toEqual(UNAUTHORIZED);
    expect((await storedEvents(t, contact.id)).map((e) => e.event_type)).toEqual(['ContactCreated']);
  });

  it('answers a request without Authorization with the same 401', async () => {
    const res = await anyone.contacts.list();
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHORIZED);
  });
});

describe('rate limits count Basic-authenticated requests against their workspace', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('answers with the workspace budget headers, then 429 once it is spent', async () => {
    // 60 a minute is 10 per 10-second window.
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '60' });
    const ws = await t.newWorkspace('limited');
    const viaBasic = api(t).as(null, { Authorization: basic(`${ws.access_token}:`) });
    const first = await viaBasic.admins.list();
    expect(first.status).toBe(200);
    expect([first.headers['x-ratelimit-limit'], first.headers['x-ratelimit-remaining']]).toEqual(['10', '9']);
    // The Bearer form of the same token spends the same budget.
    const second = await api(t).as(ws).admins.list();
    expect(second.headers['x-ratelimit-remaining']).toBe('8');
    for (let i = 0; i < 8; i++) expect((await viaBasic.admins.list()).status).toBe(200);
    const refused = await viaBasic.admins.list();
    expect(refused.status).toBe(429);
    expect(refused.body.errors).toEqual([{ code: 'rate_limit_exceeded', message: expect.any(String) }]);
  });
});
