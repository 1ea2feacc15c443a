import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { IdempotencyClaimLostError, PostgresEventStore, eraseStoredAnswers, runWithIdempotencyClaim } from '@app/event-store';
import { IdempotencyInterceptor, isReadsOnly } from '@app/intercom/http';
import type { CreatedWorkspace } from '@app/workspaces';
import { type Client, api } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const keyed = (key: string) => ({ 'Idempotency-Key': key });

describe('Idempotency-Key', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let other: CreatedWorkspace;
  let me: Client;
  let them: Client;

  const keyRow = async (workspace: CreatedWorkspace, key: string) =>
    (await t.pool.query('SELECT * FROM idempotency_keys WHERE workspace_id = $1 AND key = $2', [workspace.workspace_id, key])).rows[0];
  const eventsWithKey = async (workspace: CreatedWorkspace, key: string) =>
    (await t.pool.query(`SELECT * FROM es_events WHERE workspace_id = $1 AND metadata->>'idempotency_key' = $2`, [workspace.workspace_id, key])).rows;
  const contactCount = async (workspace: CreatedWorkspace) =>
    Number((await t.pool.query('SELECT count(*) FROM contacts WHERE workspace_id = $1', [workspace.workspace_id])).rows[0].count);
  const noteCount = async (contactId: string) =>
    Number((await t.pool.query(`SELECT count(*) FROM es_events WHERE stream_id = $1 AND event_type = 'NoteAdded'`, [contactId])).rows[0].count);

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('idempotency');
    other = await t.newWorkspace('idempotency-other');
    me = api(t).as(ws);
    them = api(t).as(other);
  });
  afterAll(() => t?.close());

  it('creates one lead and one event for a POST /contacts sent twice with one key, and answers byte for byte the same', async () => {
    const key = randomUUID();
    const before = await contactCount(ws);
    const first = await me.contacts.create({ role: 'lead', name: 'Once' }, keyed(key));
    const second = await me.contacts.create({ role: 'lead', name: 'Once' }, keyed(key));
    expect(first.status, first.text).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await contactCount(ws)).toBe(before + 1);
    const events = await eventsWithKey(ws, key);
    expect(events.map((e) => [e.stream_id, e.event_type])).toEqual([[first.body.id, 'ContactCreated']]);
    expect(events[0].metadata.idempotency_key).toBe(key);
    const row = await keyRow(ws, key);
    expect(row).toMatchObject({ stream_id: first.body.id, stream_version: 1, status: 200, body: first.text });
    expect(row.applied_at).not.toBeNull();
  });

  it('refuses the same key with another body, method or path (422 data_invalid) and writes nothing', async () => {
    const key = randomUUID();
    const created = await me.contacts.create({ role: 'lead', name: 'First' }, keyed(key));
    expect(created.status).toBe(200);
    const before = await contactCount(ws);
    for (const res of [
      await me.contacts.create({ role: 'lead', name: 'Second' }, keyed(key)),
      await me.contacts.update(created.body.id, { name: 'First' }, keyed(key)),
      await me.post('/contacts?include=x', { role: 'lead', name: 'First' }, keyed(key)),
    ]) {
      expect(res.status, res.text).toBe(422);
      expect(res.body).toMatchObject({ type: 'error.list', errors: [{ code: 'data_invalid', field: 'Idempotency-Key' }] });
      expect(res.body.errors[0].message).toMatch(/different request/);
    }
    expect(await contactCount(ws)).toBe(before);
    expect(await eventsWithKey(ws, key)).toHaveLength(1);
  });

  it('applies once when requests with one key arrive together: the others wait and replay the answer', async () => {
    const key = randomUUID();
    const before = await contactCount(ws);
    const answers = await Promise.all(Array.from({ length: 6 }, () => me.contacts.create({ role: 'lead', name: 'Racer' }, keyed(key))));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(5);
    expect(await contactCount(ws)).toBe(before + 1);
    expect(await eventsWithKey(ws, key)).toHaveLength(1);
  });

  describe('a retried note', () => {
    it('is one note when the answer was lost on the way: the retry replays it', async () => {
      const contact = await me.ok.contacts.create({ email: 'idem-note@example.com' });
      const key = randomUUID();
      const body = { body: 'only once', admin_id: String(ws.admin.id) };
      const sent = await me.post(`/contacts/${contact.id}/notes`, body, keyed(key));
      const retried = await me.post(`/contacts/${contact.id}/notes`, body, keyed(key));
      expect(sent.status, sent.text).toBe(200);
      expect(retried.text).toBe(sent.text);
      expect(await noteCount(contact.id)).toBe(1);
    });

    it('is still one note when the process ended after the note committed and before its answer was stored (409)', async () => {
      const contact = await me.ok.contacts.create({ email: 'idem-crash@example.com' });
      const key = randomUUID();
      const body = { body: 'crash', admin_id: String(ws.admin.id) };
      expect((await me.post(`/contacts/${contact.id}/notes`, body, keyed(key))).status).toBe(200);
      // What a crash in that window leaves: the key applied with the events, no answer, the holder's lease over.
      await t.pool.query(
        `UPDATE idempotency_keys SET answered_at = NULL, status = NULL, body = NULL, locked_until = now() - interval '1 second'
          WHERE workspace_id = $1 AND key = $2`,
        [ws.workspace_id, key],
      );
      const retried = await me.post(`/contacts/${contact.id}/notes`, body, keyed(key));
      expect(retried.status, retried.text).toBe(409);
      expect(retried.body).toMatchObject({ type: 'error.list', errors: [{ code: 'conflict', field: 'Idempotency-Key' }] });
      expect(retried.body.errors[0].message).toMatch(/applied/);
      expect(await noteCount(contact.id)).toBe(1);
    });

    it('runs again when the process ended before anything was written (the key held, its lease over)', async () => {
      const contact = await me.ok.contacts.create({ email: 'idem-early@example.com' });
      const key = randomUUID();
      const body = { body: 'late', admin_id: String(ws.admin.id) };
      const path = `/contacts/${contact.id}/notes`;
      // The fingerprint of the same request: claim it as a request that then died.
      const first = await me.post(path, body, keyed(key));
      await t.pool.query(
        `UPDATE idempotency_keys SET owner = $3, applied_at = NULL, answered_at = NULL, status = NULL, body = NULL,
                locked_until = now() - interval '1 second' WHERE workspace_id = $1 AND key = $2`,
        [ws.workspace_id, key, randomUUID()],
      );
      const retried = await me.post(path, body, keyed(key));
      expect(retried.status, retried.text).toBe(200);
      expect(retried.body.id).not.toBe(first.body.id);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
    });
  });

  it('answers 409 when the first request with the key is still running after the bounded wait', async () => {
    const key = randomUUID();
    const body = { role: 'lead', name: 'Slow' };
    const created = await me.contacts.create(body, keyed(key));
    await t.pool.query(
      `UPDATE idempotency_keys SET owner = $3, applied_at = NULL, answered_at = NULL, status = NULL, body = NULL,
              locked_until = now() + interval '1 minute' WHERE workspace_id = $1 AND key = $2`,
      [ws.workspace_id, key, randomUUID()],
    );
    const started = Date.now();
    const res = await me.contacts.create(body, keyed(key));
    expect(res.status, res.text).toBe(409);
    expect(res.body.errors[0]).toMatchObject({ code: 'conflict', field: 'Idempotency-Key' });
    expect(res.body.errors[0].message).toMatch(/still running/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
    expect(await eventsWithKey(ws, key)).toHaveLength(1);
    expect(created.status).toBe(200);
  }, 15_000);

  it('keeps the keys of two workspaces apart', async () => {
    const key = randomUUID();
    const mine = await me.contacts.create({ role: 'lead', name: 'Mine' }, keyed(key));
    const theirs = await them.contacts.create({ role: 'lead', name: 'Theirs' }, keyed(key));
    expect(mine.status).toBe(200);
    expect(theirs.status, theirs.text).toBe(200);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.name).toBe('Theirs');
    expect((await keyRow(other, key)).body).toBe(theirs.text);
  });

  describe('error answers, as Stripe keeps them', () => {
    it('keeps no 400 (the parameters failed validation): the same key then runs a corrected request', async () => {
      const key = randomUUID();
      const refused = await me.contacts.create({ role: 'lead', email: 'not an email' }, keyed(key));
      expect(refused.status, refused.text).toBe(400);
      expect(await keyRow(ws, key)).toBeUndefined();
      const created = await me.contacts.create({ role: 'lead', name: 'Fixed' }, keyed(key));
      expect(created.status, created.text).toBe(200);
      expect((await me.contacts.create({ role: 'lead', name: 'Fixed' }, keyed(key))).text).toBe(created.text);
    });

    it('keeps a 404 the endpoint answered and replays it byte for byte, request_id included', async () => {
      const key = randomUUID();
      const path = '/contacts/0123456789abcdef01234567/notes';
      const body = { body: 'nobody', admin_id: String(ws.admin.id) };
      const missing = await me.post(path, body, keyed(key));
      expect(missing.status).toBe(404);
      const again = await me.post(path, body, keyed(key));
      expect(again.status).toBe(404);
      expect(again.text).toBe(missing.text);
      expect(again.headers['idempotent-replayed']).toBe('true');
    });
  });

  it('makes a write that changes nothing idempotent too (no events, the answer kept)', async () => {
    const contact = await me.ok.contacts.create({ email: 'idem-noop@example.com', name: 'Same' });
    const key = randomUUID();
    const first = await me.contacts.update(contact.id, { name: 'Same' }, keyed(key));
    const second = await me.contacts.update(contact.id, { name: 'Same' }, keyed(key));
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await eventsWithKey(ws, key)).toHaveLength(0);
    expect(await keyRow(ws, key)).toMatchObject({ applied_at: null, status: 200 });
  });

  it('covers merges (two streams in one transaction), data events and catalog writes (a data attribute)', async () => {
    const lead = await me.ok.contacts.create({ role: 'lead', email: 'idem-merge@example.com' });
    const user = await me.ok.contacts.create({ email: 'idem-merge@example.com' });
    const key = randomUUID();
    const merged = await me.contacts.merge({ from: lead.id, into: user.id }, keyed(key));
    expect(merged.status, merged.text).toBe(200);
    expect((await me.contacts.merge({ from: lead.id, into: user.id }, keyed(key))).text).toBe(merged.text);
    expect(new Set((await eventsWithKey(ws, key)).map((e) => e.stream_id))).toEqual(new Set([lead.id, user.id]));

    const eventKey = randomUUID();
    const event = { event_name: 'idem-ordered', created_at: 1_700_000_000, id: user.id };
    expect((await me.dataEvents.track(event, keyed(eventKey))).status).toBe(202);
    const replayed = await me.dataEvents.track(event, keyed(eventKey));
    expect(replayed.status).toBe(202);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(await eventsWithKey(ws, eventKey)).toHaveLength(1);

    const attributeKey = randomUUID();
    const define = { name: 'idem_plan', model: 'contact', data_type: 'string' };
    const defined = await me.post('/data_attributes', define, keyed(attributeKey));
    expect(defined.status, defined.text).toBe(200);
    expect((await me.post('/data_attributes', define, keyed(attributeKey))).text).toBe(defined.text);
    expect((await keyRow(ws, attributeKey)).applied_at).not.toBeNull();
  });

  it('is bound to every write route of the app (@IdempotentWrites) and to no read: a read runs through no interceptor', async () => {
    const routes: { route: string; write: boolean; interceptors: unknown[] }[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const { metatype } of module.controllers.values()) {
        const prototype = (metatype as { prototype: Record<string, unknown> }).prototype;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = Object.getOwnPropertyDescriptor(prototype, name)!.value;
          const method = typeof handler === 'function' ? Reflect.getMetadata(METHOD_METADATA, handler) : undefined;
          if (method === undefined) continue;
          const write = method !== RequestMethod.GET && method !== RequestMethod.HEAD && !isReadsOnly(handler);
          routes.push({ route: `${metatype!.name}.${name}`, write, interceptors: Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? [] });
        }
      }
    }
    expect(routes.filter((r) => r.write).length).toBeGreaterThan(25);
    expect(routes.filter((r) => r.write && !r.interceptors.includes(IdempotencyInterceptor)).map((r) => r.route)).toEqual([]);
    expect(routes.filter((r) => !r.write && r.interceptors.length > 0).map((r) => r.route)).toEqual([]);
  });

  it('ignores the header where nothing is written (search) and stores nothing without it', async () => {
    const key = randomUUID();
    const search = await me.contacts.search({ query: { field: 'name', operator: '=', value: 'nobody' } }, keyed(key));
    expect(search.status).toBe(200);
    expect(await keyRow(ws, key)).toBeUndefined();
    const count = Number((await t.pool.query('SELECT count(*) FROM idempotency_keys WHERE workspace_id = $1', [ws.workspace_id])).rows[0].count);
    expect((await me.contacts.create({ role: 'lead' })).status).toBe(200);
    expect(Number((await t.pool.query('SELECT count(*) FROM idempotency_keys WHERE workspace_id = $1', [ws.workspace_id])).rows[0].count)).toBe(count);
  });

  it('refuses a key longer than 255 characters or not printable ASCII (400)', async () => {
    for (const key of ['k'.repeat(256), 'clé']) {
      const res = await me.contacts.create({ role: 'lead' }, keyed(key));
      expect(res.status, key).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ code: 'parameter_invalid', field: 'Idempotency-Key' });
    }
    expect((await me.contacts.create({ role: 'lead' }, keyed('k'.repeat(255)))).status).toBe(200);
  });

  it('treats a key after its 24 hours as new, and each claim sweeps expired keys', async () => {
    const key = randomUUID();
    const first = await me.contacts.create({ role: 'lead', name: 'Old' }, keyed(key));
    const stale = randomUUID();
    await them.contacts.create({ role: 'lead' }, keyed(stale));
    await t.pool.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ANY($1)`, [[key, stale]]);
    const again = await me.contacts.create({ role: 'lead', name: 'Old' }, keyed(key));
    expect(again.status).toBe(200);
    expect(again.body.id).not.toBe(first.body.id);
    expect(await keyRow(other, stale)).toBeUndefined();
  });

  it('refuses an append whose request no longer holds its key, and writes nothing', async () => {
    const store = t.app.get(PostgresEventStore);
    const claim = { workspaceId: ws.workspace_id, key: randomUUID(), owner: randomUUID(), applied: false, active: true };
    const streamId = `idem-${randomUUID()}`;
    const append = () =>
      store.append({
        workspaceId: ws.workspace_id,
        streamId,
        streamType: 'test',
        expectedVersion: 0,
        events: [{ type: 'Tested', data: {} }],
        metadata: { actor: { type: 'system', id: 'test' }, request_id: null },
      });
    await expect(runWithIdempotencyClaim(claim, append)).rejects.toBeInstanceOf(IdempotencyClaimLostError);
    expect(await store.streamVersion(ws.workspace_id, streamId)).toBe(0);
    expect(claim.applied).toBe(false);
  });

  it('lets an erasure drop the stored answers that name a contact, and a retry is then refused, not run again', async () => {
    const key = randomUUID();
    const noteKey = randomUUID();
    const created = await me.contacts.create({ role: 'lead', email: 'idem-erase@example.com' }, keyed(key));
    const note = { body: 'erase me', admin_id: String(ws.admin.id) };
    expect((await me.post(`/contacts/${created.body.id}/notes`, note, keyed(noteKey))).status).toBe(200);
    const unrelated = randomUUID();
    await me.contacts.create({ role: 'lead', name: 'Kept' }, keyed(unrelated));
    expect(await eraseStoredAnswers(t.pool, ws.workspace_id, [created.body.id])).toBe(2);
    expect((await keyRow(ws, key)).body).toBeNull();
    expect((await keyRow(ws, unrelated)).body).not.toBeNull();
    const retried = await me.contacts.create({ role: 'lead', email: 'idem-erase@example.com' }, keyed(key));
    expect(retried.status).toBe(409);
    expect(retried.text).not.toContain('idem-erase');
    expect(await eventsWithKey(ws, key)).toHaveLength(1);
  });
});
