import intercom5 from 'intercom-client-5';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RecordedRequest, recordingProxy } from './support/recording-proxy.js';
import { storedEvents } from './support/stored-events.js';
import { type TestApp, startTestApp } from './support/test-app.js';

// A CommonJS package: Node gives its exports as the default import.
const { Client, Operators } = intercom5;
type Client = InstanceType<typeof Client>;
type Proxy = Awaited<ReturnType<typeof recordingProxy>>;
/** What intercom-client 5.x throws for an error.list answer. */
type BadResponse = Error & { statusCode: number; body: { type: string; request_id: string; errors: { code: string; message: string }[] } };

const failure = (call: Promise<unknown>): Promise<BadResponse> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: BadResponse) => error,
  );

/** The older SDK, unchanged: its token auth (HTTP Basic) and no Intercom-Version, pointed at the app through the recorder. */
const sdk5 = (token: string, baseURL: string) => new Client({ tokenAuth: { token } }).useRequestOpts({ baseURL });

describe('intercom-client 5.x (HTTP Basic, no Intercom-Version)', () => {
  let t: TestApp;
  let proxy: Proxy;
  let token: string;
  let adminId: string;
  let client: Client;
  const sent = (): RecordedRequest => proxy.requests[proxy.requests.length - 1];

  beforeAll(async () => {
    t = await startTestApp();
    proxy = await recordingProxy(t.baseUrl);
    const ws = await t.newWorkspace('sdk5');
    token = ws.access_token;
    adminId = String(ws.admin.id);
    client = sdk5(token, proxy.url);
  });
  beforeEach(() => {
    proxy.requests.length = 0;
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  it('sends the token as the Basic user name with an empty password, and no Intercom-Version', async () => {
    const contact = await client.contacts.createUser({ email: 'basic@example.com', externalId: 'basic-1' });
    const { headers } = sent();
    expect(headers.authorization).toBe(`Basic ${Buffer.from(`${token}:`).toString('base64')}`);
    expect(headers['intercom-version']).toBeUndefined();
    expect(headers['user-agent']).toBe('intercom-node-client/5.0.0');
    // The events record who wrote (the token, whichever form carried it) and that no version was asked for.
    const [created] = await storedEvents(t, contact.id);
    expect(created.metadata).toMatchObject({ actor: { type: 'access_token' }, intercom_version: null });
  });

  it('creates, finds and updates a contact with the documented sample, in the 2.11 shape', async () => {
    const created = await client.contacts.createUser({ externalId: 'sdk5-70', email: 'joe@example.com', phone: '+1 555 0100' });
    expect(created).toMatchObject({ type: 'contact', role: 'user', external_id: 'sdk5-70', email: 'joe@example.com', phone: '+1 555 0100' });
    expect(JSON.parse(sent().body)).toEqual({ role: 'user', external_id: 'sdk5-70', email: 'joe@example.com', phone: '+1 555 0100' });
    expect('enabled_push_messaging' in created).toBe(false);

    expect(await client.contacts.find({ id: created.id })).toEqual(created);

    const updated = await client.contacts.update({ id: created.id, email: 'joebloggs@intercom.io', name: 'joe bloggs' });
    expect(JSON.parse(sent().body)).toEqual({ email: 'joebloggs@intercom.io', name: 'joe bloggs' });
    expect(updated).toMatchObject({ id: created.id, email: 'joebloggs@intercom.io', name: 'joe bloggs', external_id: 'sdk5-70', phone: '+1 555 0100' });
    const log = await storedEvents(t, created.id);
    expect(log.map((e) => e.event_type)).toEqual(['ContactCreated', 'ContactUpdated']);
    expect(log[1].data.changes).toEqual({ email: { from: 'joe@example.com', to: 'joebloggs@intercom.io' }, name: { from: null, to: 'joe bloggs' } });
  });

  it('searches and lists, following pages.next.starting_after', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await client.contacts.createUser({ email: `pager${i}@sdk5.example.com` })).id);
    const query = { field: 'email', operator: Operators.CONTAINS, value: 'sdk5.example.com' };
    const first = await client.contacts.search({ data: { query, pagination: { per_page: 2 } } });
    expect(first).toMatchObject({ type: 'list', total_count: 3 });
    expect(first.data).toHaveLength(2);
    const next = first.pages.next?.starting_after;
    expect(next).toEqual(expect.any(String));
    const second = await client.contacts.search({ data: { query, pagination: { per_page: 2, starting_after: next } } });
    expect(second.pages.next).toBeUndefined();
    expect([...first.data, ...second.data].map((c) => c.id).sort()).toEqual([...ids].sort());

    const listed: string[] = [];
    let startingAfter: string | undefined;
    do {
      const page = await client.contacts.list({ perPage: 2, startingAfter });
      expect(sent().url).toMatch(/^\/contacts\?per_page=2/);
      listed.push(...page.data.map((c) => c.id));
      startingAfter = page.pages.next?.starting_after;
    } while (startingAfter);
    expect(listed).toEqual(expect.arrayContaining(ids));
  });

  it('tags and untags a contact, and lists its tags', async () => {
    const contact = await client.contacts.createUser({ email: 'tagged@example.com' });
    const tag = await client.tags.create({ name: 'Old SDK' });
    expect(tag).toMatchObject({ type: 'tag', name: 'Old SDK' });
    expect(await client.tags.tagContact({ contactId: contact.id, tagId: tag.id })).toMatchObject({ type: 'tag', id: tag.id, name: 'Old SDK' });
    expect(JSON.parse(sent().body)).toEqual({ id: tag.id });
    // The 5.x typing says `tags`; Intercom (every description, 2.7 to 2.16) answers `data`, which is what the SDK hands back.
    const attached = (await client.contacts.listAttachedTags({ id: contact.id })) as unknown as { type: string; data: unknown[] };
    expect(attached).toEqual({ type: 'list', data: [expect.objectContaining({ type: 'tag', id: tag.id, name: 'Old SDK' })] });
    expect(await client.tags.untagContact({ contactId: contact.id, tagId: tag.id })).toMatchObject({ id: tag.id });
    expect((await client.contacts.find({ id: contact.id })).tags).toMatchObject({ total_count: 0 });
    expect(await eventTypesOf(contact.id)).toEqual(['ContactCreated', 'ContactTagged', 'ContactUntagged']);
  });

  it('adds, finds and lists notes', async () => {
    const contact = await client.contacts.createUser({ email: 'noted@example.com' });
    const note = await client.notes.create({ adminId, body: 'Called about the invoice', contactId: contact.id });
    expect(note).toMatchObject({ type: 'note', body: '<p>Called about the invoice</p>', contact: { type: 'contact', id: contact.id }, author: { type: 'admin', id: adminId } });
    expect(await client.notes.find({ id: note.id })).toEqual(note);
    await client.notes.create({ adminId, body: 'Second', contactId: contact.id });
    const page = await client.notes.list({ contactId: contact.id, page: 1, perPage: 1 });
    expect(sent().url).toBe(`/contacts/${contact.id}/notes?page=1&per_page=1`);
    expect(page).toMatchObject({ type: 'list', total_count: 2, data: [{ body: '<p>Second</p>' }] });
    expect(await client.notes.list({ contactId: contact.id, page: 2, perPage: 1 })).toMatchObject({ data: [{ id: note.id }] });
  });

  it('archives, unarchives, merges a lead into a user and deletes', async () => {
    const user = await client.contacts.createUser({ email: 'survivor@example.com', externalId: 'survivor' });
    expect(await client.contacts.archive({ id: user.id })).toEqual({ id: user.id, external_id: 'survivor', type: 'contact', archived: true });
    expect(sent().body).toBe('');
    expect(await client.contacts.unarchive({ id: user.id })).toEqual({ id: user.id, external_id: 'survivor', type: 'contact', archived: false });

    const lead = await client.contacts.createLead({ name: 'Lead Larry', phone: '+1 555 0199' });
    expect(lead).toMatchObject({ role: 'lead', name: 'Lead Larry' });
    const merged = await client.contacts.mergeLeadInUser({ leadId: lead.id, userId: user.id });
    expect(JSON.parse(sent().body)).toEqual({ from: lead.id, into: user.id });
    expect(merged).toMatchObject({ id: user.id, role: 'user', name: 'Lead Larry', phone: '+1 555 0199' });
    // Without a version header the answer is 2.11's: a merged-away lead is a 404, not 2.16's 410.
    expect((await failure(client.contacts.find({ id: lead.id }))).statusCode).toBe(404);

    expect(await client.contacts.delete({ id: user.id })).toEqual({ id: user.id, external_id: 'survivor', type: 'contact', deleted: true });
    const gone = await failure(client.contacts.find({ id: user.id }));
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toMatchObject({ type: 'error.list', errors: [{ code: 'not_found', message: 'User Not Found' }] });
    expect(await eventTypesOf(user.id)).toEqual(['ContactCreated', 'ContactArchived', 'ContactUnarchived', 'ContactMergedFrom', 'ContactDeleted']);
  });

  it('surfaces a wrong token as a 401 with the exact Intercom body, and a wrong password too', async () => {
    const stranger = await failure(sdk5('tok_not_a_real_token', proxy.url).contacts.find({ id: 'x' }));
    expect(stranger.statusCode).toBe(401);
    expect(stranger.message).toBe('Access Token Invalid');
    expect(Object.keys(stranger.body)).toEqual(['type', 'request_id', 'errors']);
    expect(stranger.body.errors).toEqual([{ code: 'unauthorized', message: 'Access Token Invalid' }]);

    // The retired app id and API key pair: the right token with a password is not taken.
    const keyed = new Client({ usernameAuth: { username: token, password: 'api-key' } }).useRequestOpts({ baseURL: proxy.url });
    expect((await failure(keyed.contacts.list({ perPage: 1 }))).statusCode).toBe(401);
  });

  const eventTypesOf = async (id: string) => (await storedEvents(t, id)).map((e) => e.event_type);
});
