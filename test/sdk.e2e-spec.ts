import { IntercomClient, IntercomError } from 'intercom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The error a call must fail with. */
const failure = (call: Promise<unknown>): Promise<IntercomError> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: IntercomError) => error,
  );

describe.each(['2.11', '2.14'] as const)('the official intercom-client SDK at Intercom-Version %s', (version) => {
  let t: TestApp;
  let client: IntercomClient;
  let adminId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace('sdk');
    adminId = ws.admin.id;
    client = new IntercomClient({ token: ws.access_token, baseUrl: t.baseUrl, version, maxRetries: 0 });
    // The SDK's generated request type is narrower than what it sends; the wire body is what matters here.
    await client.dataAttributes.create({ name: 'plan', model: 'contact', data_type: 'string' } as never);
  });
  afterAll(() => t?.close());

  it('creates, finds and updates a contact', async () => {
    const created = await client.contacts.create({ email: `joe.${version}@example.com`, external_id: `ext-${version}`, name: 'Joe', custom_attributes: { plan: 'pro' } });
    expect(created).toMatchObject({ type: 'contact', role: 'user', email: `joe.${version}@example.com`, custom_attributes: { plan: 'pro' } });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);

    const found = await client.contacts.find({ contact_id: created.id });
    expect(found).toEqual(created);

    const updated = await client.contacts.update({
      contact_id: created.id,
      email: 'joebloggs@intercom.io',
      name: 'joe bloggs',
      phone: null as unknown as string,
      owner_id: adminId,
      unsubscribed_from_emails: true,
      signed_up_at: 1719492776,
      custom_attributes: { plan: 'enterprise' },
    });
    expect(updated).toMatchObject({
      id: created.id,
      email: 'joebloggs@intercom.io',
      name: 'joe bloggs',
      phone: null,
      owner_id: adminId,
      unsubscribed_from_emails: true,
      signed_up_at: 1719492776,
      external_id: `ext-${version}`,
      custom_attributes: { plan: 'enterprise' },
    });
    expect('enabled_push_messaging' in updated).toBe(version === '2.14');
  });

  it('surfaces 404 and 409 as IntercomError with the error.list body', async () => {
    const missing = await failure(client.contacts.find({ contact_id: '650cbc286d0a728750658b15' }));
    expect(missing).toBeInstanceOf(IntercomError);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({ type: 'error.list', errors: [{ code: 'not_found', message: 'User Not Found' }] });

    const first = await client.contacts.create({ email: `dup.${version}@example.com` });
    const dup = await failure(client.contacts.create({ email: `dup.${version}@example.com` }));
    expect(dup.statusCode).toBe(409);
    expect((dup.body as { errors: unknown[] }).errors[0]).toEqual({ code: 'conflict', message: `A contact matching those details already exists with id=${first.id}` });
  });

  it('surfaces a bad token as a 401', async () => {
    const stranger = new IntercomClient({ token: 'not-a-token', baseUrl: t.baseUrl, version, maxRetries: 0 });
    const error = await failure(stranger.contacts.find({ contact_id: 'x' }));
    expect(error.statusCode).toBe(401);
    expect((error.body as { errors: unknown[] }).errors).toEqual([{ code: 'unauthorized', message: 'Access Token Invalid' }]);
  });
});
