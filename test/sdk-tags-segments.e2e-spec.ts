import { IntercomClient, type IntercomError } from 'intercom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The error a call must fail with. */
const failure = (call: Promise<unknown>): Promise<IntercomError> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: IntercomError) => error,
  );

describe.each(['2.11', '2.14'] as const)('the official intercom-client SDK drives tags and segments at Intercom-Version %s', (version) => {
  let t: TestApp;
  let client: IntercomClient;
  let adminId: string;
  let contactId: string;
  let segmentId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const ws = await t.newWorkspace('sdk-tags');
    adminId = String(ws.admin.id);
    client = new IntercomClient({ token: ws.access_token, baseUrl: t.baseUrl, version, maxRetries: 0 });
    contactId = (await client.contacts.create({ email: `tags.${version}@example.com`, name: 'Tagged' })).id;
    // Segments are defined through the service's own route (Intercom's are read-only, and so is the SDK).
    const segment = await api(t).as(ws).ok.post('/segment_definitions', { name: 'Tagged people', query: { field: 'name', operator: '=', value: 'Tagged' } });
    segmentId = segment.id;
  });
  afterAll(() => t?.close());

  it('tags.create, list and find', async () => {
    const created = await client.tags.create({ name: 'SDK tag' });
    expect(created).toEqual({ type: 'tag', id: expect.stringMatching(/^\d+$/), name: 'SDK tag' });
    expect((await client.tags.list()).data).toContainEqual(created);
    expect(await client.tags.find({ tag_id: created.id })).toEqual(created);
    const renamed = await client.tags.create({ id: created.id, name: 'SDK tag renamed' });
    expect(renamed).toEqual({ ...created, name: 'SDK tag renamed' });
    const missing = await failure(client.tags.find({ tag_id: '999999999' }));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({ type: 'error.list', errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
  });

  it('tags.tagContact and untagContact, applied by the admin the token acts for', async () => {
    const tag = await client.tags.create({ name: 'SDK contact tag' });
    const tagged = await client.tags.tagContact({ contact_id: contactId, id: tag.id });
    expect(tagged).toEqual({ ...tag, applied_at: expect.any(Number), applied_by: { type: 'admin', id: adminId } });
    expect((await client.contacts.find({ contact_id: contactId })).tags?.data?.map((ref) => ref.id)).toContain(tag.id);
    expect(await client.tags.untagContact({ contact_id: contactId, tag_id: tag.id })).toEqual(tagged);
    expect((await client.contacts.find({ contact_id: contactId })).tags?.data?.map((ref) => ref.id)).not.toContain(tag.id);
  });

  it('tags.create with users tags them, and 404s a user that does not exist', async () => {
    const tag = await client.tags.create({ name: 'SDK bulk', users: [{ id: contactId }] });
    expect(tag).toEqual({ type: 'tag', id: expect.any(String), name: 'SDK bulk' });
    expect((await client.contacts.find({ contact_id: contactId })).tags?.data?.map((ref) => ref.id)).toContain(tag.id);
    const missing = await failure(client.tags.create({ name: 'SDK bulk', users: [{ id: '650cbc286d0a728750658b15' }] }));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({ errors: [{ code: 'not_found', message: 'User Not Found' }] });
  });

  it('tags.delete answers void and takes the tag off its contacts', async () => {
    const tag = await client.tags.create({ name: 'SDK doomed', users: [{ id: contactId }] });
    expect(await client.tags.delete({ tag_id: tag.id })).toBeUndefined();
    expect((await client.contacts.find({ contact_id: contactId })).tags?.data?.map((ref) => ref.id)).not.toContain(tag.id);
    expect((await failure(client.tags.find({ tag_id: tag.id }))).statusCode).toBe(404);
    expect((await failure(client.tags.delete({ tag_id: tag.id }))).statusCode).toBe(404);
  });

  it('tags of conversations and tickets answer 404: this service has neither', async () => {
    const tag = await client.tags.create({ name: 'SDK elsewhere' });
    const calls = [
      client.tags.tagConversation({ conversation_id: '1', id: tag.id, admin_id: adminId }),
      client.tags.untagConversation({ conversation_id: '1', tag_id: tag.id, admin_id: adminId }),
      client.tags.tagTicket({ ticket_id: '1', id: tag.id, admin_id: adminId }),
      client.tags.untagTicket({ ticket_id: '1', tag_id: tag.id, admin_id: adminId }),
    ];
    for (const call of calls) {
      const error = await failure(call);
      expect(error.statusCode).toBe(404);
      expect(error.body).toMatchObject({ type: 'error.list', errors: [{ code: expect.any(String) }] });
    }
  });

  it('segments.list (with include_count), segments.find and contacts.listAttachedSegments', async () => {
    const listed = await client.segments.list();
    expect(listed).toEqual({ type: 'segment.list', segments: [{ type: 'segment', id: segmentId, name: 'Tagged people', created_at: expect.any(Number), updated_at: expect.any(Number), person_type: 'user' }] });
    const counted = await client.segments.list({ include_count: true });
    expect(counted.segments?.[0]).toEqual({ ...listed.segments?.[0], count: 1 });
    expect(await client.segments.find({ segment_id: segmentId })).toEqual(listed.segments?.[0]);
    expect(await client.contacts.listAttachedSegments({ contact_id: contactId })).toEqual({ type: 'list', data: listed.segments });
    const missing = await failure(client.segments.find({ segment_id: '650cbc286d0a728750658b15' }));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({ errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
    expect((await failure(client.contacts.listAttachedSegments({ contact_id: '650cbc286d0a728750658b15' }))).statusCode).toBe(404);
  });

  it('contacts.search on segment_id finds the members', async () => {
    const found = await client.contacts.search({ query: { field: 'segment_id', operator: '=', value: segmentId } });
    expect(found.data.map((contact) => contact.id)).toEqual([contactId]);
  });
});
