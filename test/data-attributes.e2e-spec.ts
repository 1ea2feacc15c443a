import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type Json, api } from './support/api.js';
import { type TestApp, startTestApp } from './support/test-app.js';

describe('GET and POST /data_attributes against the 2.14 schema', () => {
  let t: TestApp;
  let me: Client;
  let adminId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace('attributes');
    me = api(t).as(ws);
    adminId = ws.admin.id;
  });
  afterAll(() => t?.close());

  it('describes every standard attribute with its documented description', async () => {
    const list = await me.ok.get('/data_attributes');
    const standard = list.data.filter((a: Json) => !a.custom);
    expect(standard.length).toBeGreaterThan(20);
    for (const attribute of standard) {
      expect(typeof attribute.description, attribute.full_name).toBe('string');
      expect(Object.keys(attribute)).toEqual([
        'type', 'name', 'full_name', 'label', 'description', 'data_type', 'api_writable', 'ui_writable', 'messenger_writable', 'custom', 'archived', 'model',
      ]);
    }
    const contactEmail = standard.find((a: Json) => a.model === 'contact' && a.name === 'email');
    expect(contactEmail).toMatchObject({ full_name: 'email', label: 'Email', description: "The contact's email.", data_type: 'string' });
  });

  it('lists the standard company attributes as the documented example does, in its order', async () => {
    const list = await me.ok.get('/data_attributes?model=company');
    const standard = list.data.filter((a: Json) => !a.custom);
    expect(standard.map((a: Json) => a.full_name)).toEqual([
      'name', 'company_id', 'last_request_at', 'remote_created_at', 'user_count', 'session_count', 'plan.name',
      'monthly_spend', 'size', 'industry', 'website', 'id', 'created_at', 'updated_at', 'plan.id', 'app_id',
    ]);
    expect(standard.find((a: Json) => a.full_name === 'plan.name')).toEqual({
      type: 'data_attribute',
      name: 'name',
      full_name: 'plan.name',
      label: 'Plan',
      description: 'A specific plan or level within your product that companies have signed up to',
      data_type: 'string',
      api_writable: false,
      ui_writable: false,
      messenger_writable: true,
      custom: false,
      archived: false,
      model: 'company',
    });
  });

  it('records the admin of the token on an attribute created through the API', async () => {
    const created = await me.ok.post('/data_attributes', { name: 'tier', model: 'contact', data_type: 'string', description: 'Support tier' });
    expect(created).toMatchObject({ type: 'data_attribute', name: 'tier', full_name: 'custom_attributes.tier', description: 'Support tier', admin_id: String(adminId) });
    expect(Object.keys(created)).toEqual([
      'id', 'type', 'name', 'full_name', 'label', 'description', 'data_type', 'api_writable', 'ui_writable', 'messenger_writable', 'custom', 'archived',
      'admin_id', 'created_at', 'updated_at', 'model',
    ]);
    const listed = (await me.ok.get('/data_attributes?model=contact')).data.find((a: Json) => a.name === 'tier');
    expect(listed.admin_id).toBe(String(adminId));
    const updated = await me.ok.put(`/data_attributes/${created.id}`, { description: 'Renamed tier' });
    expect(updated).toMatchObject({ admin_id: String(adminId), description: 'Renamed tier' });
  });

  it('refuses the names of standard attributes, including the plan of plan.name', async () => {
    for (const name of ['website', 'plan', 'Size']) {
      const res = await me.post('/data_attributes', { name, model: 'company', data_type: 'string' });
      expect(res.status, name).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', message: `'${name}' is one of our standard attributes. Please use a different name.` });
    }
    expect((await me.post('/data_attributes', { name: 'website', model: 'contact', data_type: 'string' })).status).toBe(200);
  });
});
