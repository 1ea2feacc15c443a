import { IntercomClient } from 'intercom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Collects every item of an SDK page iterator (the SDK fetches the following pages itself). */
async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

describe.each(['2.11', '2.14'] as const)('the official SDK drives every contact method at Intercom-Version %s', (version) => {
  let t: TestApp;
  let client: IntercomClient;
  let adminId: number;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace('sdk-all');
    adminId = ws.admin.id;
    client = new IntercomClient({ token: ws.access_token, baseUrl: t.baseUrl, version, maxRetries: 0 });
  });
  afterAll(() => t?.close());

  it('lists and searches with auto-paging', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await client.contacts.create({ email: `page${i}@example.com`, external_id: `page-${i}` }));
    const listed = await all(await client.contacts.list({ per_page: 2 }));
    expect(listed.map((c) => c.id).sort()).toEqual(created.map((c) => c.id).sort());
    const found = await all(
      await client.contacts.search({
        query: { operator: 'AND', value: [{ field: 'role', operator: '=', value: 'user' }, { field: 'email', operator: '~', value: 'page' }] },
        pagination: { per_page: 2 },
      }),
    );
    expect(found.map((c) => c.id).sort()).toEqual(created.map((c) => c.id).sort());
  });

  it('finds by external id, archives, unarchives, blocks, merges and deletes', async () => {
    const user = await client.contacts.create({ email: 'life@example.com', external_id: 'life-1' });
    expect((await client.contacts.showContactByExternalId({ external_id: 'life-1' })).id).toBe(user.id);
    expect(await client.contacts.archive({ contact_id: user.id })).toMatchObject({ id: user.id, archived: true });
    expect(await client.contacts.unarchive({ contact_id: user.id })).toMatchObject({ id: user.id, archived: false });
    const lead = await client.contacts.create({ role: 'lead', name: 'Leady' });
    expect(await client.contacts.blockContact({ contact_id: lead.id })).toMatchObject({ id: lead.id, blocked: true });
    const merged = await client.contacts.mergeLeadInUser({ from: lead.id, into: user.id });
    expect(merged).toMatchObject({ id: user.id, name: 'Leady' });
    expect(await client.contacts.delete({ contact_id: user.id })).toMatchObject({ id: user.id, deleted: true });
    await expect(client.contacts.find({ contact_id: user.id })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('tags, notes, companies, subscriptions and admins', async () => {
    const contact = await client.contacts.create({ email: 'around@example.com' });
    const tag = await client.tags.create({ name: 'VIP' });
    expect(await client.tags.tagContact({ contact_id: contact.id, id: tag.id })).toMatchObject({ type: 'tag', id: tag.id, name: 'VIP' });
    expect((await client.contacts.listAttachedTags({ contact_id: contact.id })).data).toMatchObject([{ id: tag.id }]);
    expect((await client.tags.list()).data).toMatchObject([{ id: tag.id, name: 'VIP' }]);
    expect(await client.tags.untagContact({ contact_id: contact.id, tag_id: tag.id })).toMatchObject({ id: tag.id });

    const note = await client.notes.create({ contact_id: contact.id, body: 'hello', admin_id: String(adminId) });
    expect(note).toMatchObject({ type: 'note', body: '<p>hello</p>' });
    expect((await all(await client.notes.list({ contact_id: contact.id }))).map((n) => n.id)).toEqual([note.id]);

    const company = await client.companies.createOrUpdate({ company_id: 'acme', name: 'Acme' });
    expect(await client.companies.attachContact({ contact_id: contact.id, id: company.id })).toMatchObject({ id: company.id, name: 'Acme' });
    expect((await all(await client.contacts.listAttachedCompanies({ contact_id: contact.id }))).map((c) => c.id)).toEqual([company.id]);
    expect(await client.companies.find({ company_id: company.id })).toMatchObject({ id: company.id });
    expect(await client.companies.detachContact({ contact_id: contact.id, company_id: company.id })).toMatchObject({ id: company.id });

    const type = (await client.subscriptionTypes.list()).data![0] as { id: string };
    expect(await client.contacts.attachSubscription({ contact_id: contact.id, id: type.id, consent_type: 'opt_in' })).toMatchObject({ id: type.id });
    expect((await client.contacts.listAttachedSubscriptions({ contact_id: contact.id })).data).toMatchObject([{ id: type.id }]);
    expect(await client.contacts.detachSubscription({ contact_id: contact.id, subscription_id: type.id })).toMatchObject({ id: type.id });

    const admins = await client.admins.list();
    expect(admins.admins?.map((a) => a?.id)).toContain(String(adminId));
    expect(await client.admins.find({ admin_id: adminId })).toMatchObject({ id: String(adminId) });
    expect(await client.admins.identify()).toMatchObject({ type: 'admin', id: String(adminId) });

    const final = await client.contacts.find({ contact_id: contact.id });
    expect(final.notes).toMatchObject({ total_count: 1 });
    expect(final.tags).toMatchObject({ total_count: 0 });
  });
});
