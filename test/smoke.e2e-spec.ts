import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('creates and updates a contact', async () => {
    const ws = await t.newWorkspace();
    const auth = { Authorization: `Bearer ${ws.access_token}` };
    const created = await request(t.baseUrl).post('/contacts').set(auth).send({ email: 'a@b.io', external_id: '70' });
    console.log(created.status, created.body);
    const updated = await request(t.baseUrl).put(`/contacts/${created.body.id}`).set(auth).send({ email: 'joebloggs@intercom.io', name: 'joe bloggs' });
    console.log(updated.status, updated.body);
    expect(updated.status).toBe(200);
  });
});
