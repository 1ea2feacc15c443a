import { IntercomClient, IntercomError } from 'intercom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

describe.each(['2.11', '2.14'] as const)('the official intercom-client SDK at Intercom-Version %s', (version) => {
  let t: TestApp;
  let client: IntercomClient;
  let adminId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace('sdk');
    adminId = ws.admin.id;
    client = new IntercomClient({ token: ws.access_token, baseUrl: t.baseUrl, version, maxRetries: 0 });
    await client.dataAttributes.create({ name: 'plan', model: 'contact', data_type: 'string' });
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
    const missing = await client.contacts.find({ contact_id: '650cbc286d0a728750658b15' }).catch((e) => e);
    expect(missing).toBeInstanceOf(IntercomError);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({ type: 'error.list', errors: [{ code: 'not_found', message: 'User Not Found' }] });

    const first = await client.contacts.create({ email: `dup.${version}@example.com` });
    const dup = await client.contacts.create({ email: `dup.${version}@example.com` }).catch((e) => e);
    expect(dup.statusCode).toBe(409);
    expect(dup.body.errors[0]).toEqual({ code: 'conflict', message: `A contact matching those details already exists with id=${first.id}` });
  });

  it('surfaces a bad token as a 401', async () => {
    const stranger = new IntercomClient({ token: 'not-a-token', baseUrl: t.baseUrl, version, maxRetries: 0 });
    const error = await stranger.contacts.find({ contact_id: 'x' }).catch((e) => e);
    expect(error.statusCode).toBe(401);
    expect(error.body.errors).toEqual([{ code: 'unauthorized', message: 'Access Token Invalid' }]);
  });
});
