import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api } from './support/api.js';
import { eventTypes } from './support/stored-events.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('POST /contacts/merge moves every kind of data', () => {
  let t: TestApp;
  let me: Client;
  let adminId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace();
    me = api(t).as(ws);
    adminId = ws.admin.id;
  });
  afterAll(() => t?.close());

  it('tags, notes, companies and subscriptions of the lead end up on the user; the lead is gone from every read', async () => {
    const lead = await me.ok.contacts.create({ role: 'lead', email: 'lead@example.com' });
    const user = await me.ok.contacts.create({ email: 'user@example.com' });
    const [vip, shared] = [await me.ok.tags.save({ name: 'VIP' }), await me.ok.tags.save({ name: 'Shared' })];
    await me.ok.tags.attach(lead.id, { id: vip.id });
    await me.ok.tags.attach(lead.id, { id: shared.id });
    await me.ok.tags.attach(user.id, { id: shared.id });
    const note = await me.ok.notes.add(lead.id, { body: 'met at the fair', admin_id: String(adminId) });
    const company = await me.ok.companies.save({ company_id: 'acme-1', name: 'Acme' });
    await me.ok.companies.attach(lead.id, { id: company.id });
    const [newsletter] = (await me.ok.subscriptions.types()).data;
    await me.ok.subscriptions.attach(lead.id, { id: newsletter.id, consent_type: 'opt_in' });

    const merged = await me.ok.contacts.merge({ from: lead.id, into: user.id });
    expect(merged.id).toBe(user.id);
    expect(merged.tags).toMatchObject({ total_count: 2, data: [{ id: shared.id }, { id: vip.id }] });
    expect(merged.notes).toMatchObject({ total_count: 1, data: [{ id: note.id }] });
    expect(merged.companies).toMatchObject({ total_count: 1, data: [{ id: company.id }] });
    expect(merged.opted_in_subscription_types).toMatchObject({ total_count: 1, data: [{ id: newsletter.id }] });

    const tags = await me.ok.tags.of(user.id);
    expect(tags.data.map((tag: { name: string }) => tag.name).sort()).toEqual(['Shared', 'VIP']);
    const notes = await me.ok.notes.of(user.id);
    expect(notes.data.map((n: { id: string }) => n.id)).toEqual([note.id]);
    const companies = await me.ok.companies.of(user.id);
    expect(companies.data.map((c: { id: string }) => c.id)).toEqual([company.id]);
    const subscriptions = await me.ok.subscriptions.of(user.id);
    expect(subscriptions.data).toMatchObject([{ id: newsletter.id, consent_type: 'opt_in' }]);

    expect((await me.contacts.get(lead.id)).status).toBe(404);
    expect((await me.notes.of(lead.id)).status).toBe(404);
    const list = await me.ok.contacts.list();
    expect(list.data.map((c: { id: string }) => c.id)).toEqual([user.id]);
    const search = await me.ok.contacts.search({ query: { field: 'email', operator: '~', value: 'example.com' } });
    expect(search.data.map((c: { id: string }) => c.id)).toEqual([user.id]);

    expect(await eventTypes(t, lead.id)).toContain('ContactMergedInto');
    expect(await eventTypes(t, user.id)).toContain('ContactMergedFrom');
  });
});
