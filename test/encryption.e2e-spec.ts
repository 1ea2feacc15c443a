import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMasterKey } from '@app/event-store';
import { runCli } from '../apps/contacts-api/src/cli-commands.js';
import { api } from './support/api.js';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Everything es_events holds for the contact's streams (its own and its data events), as text. */
const logText = async (t: TestApp, contactId: string) =>
  JSON.stringify((await t.pool.query(`SELECT data FROM es_events WHERE stream_id IN ($1, $1 || ':events')`, [contactId])).rows);

const historyValues = async (t: TestApp, token: string, contactId: string) => JSON.stringify((await api(t).as(token).ok.contacts.history(contactId, { per_page: 50 })).data);

// A database of its own: its data keys are wrapped by master keys that the other files' processes, reading the
// shared test database's whole log (rebuilds, relays), do not hold.
describe('personal values in the log', () => {
  let database: OwnDatabase;
  const oldKey = generateMasterKey();
  const newKey = generateMasterKey();
  let t: TestApp;
  let token: string;
  let contactId: string;
  const unique = randomBytes(6).toString('hex');
  const values = {
    email: `enc-${unique}@example.com`,
    name: `Name ${unique}`,
    phone: `+1555${unique.slice(0, 6)}`,
    plan: `plan-${unique}`,
    note: `note body ${unique}`,
    newName: `Renamed ${unique}`,
    meta: `meta-${unique}`,
  };

  beforeAll(async () => {
    database = await ownDatabase('contacts_enc');
    t = await startTestApp({ DATABASE_URL: database.url, ENCRYPTION_KEY: oldKey });
    const ws = await t.newWorkspace('encryption');
    token = ws.access_token;
    const me = api(t).as(ws);
    await me.ok.dataAttributes.define('plan', 'string');
    const contact = await me.ok.contacts.create({ role: 'user', external_id: `ext-${unique}`, email: values.email, name: values.name, phone: values.phone, custom_attributes: { plan: values.plan } });
    contactId = contact.id;
    await me.ok.contacts.update(contactId, { name: values.newName });
    await me.ok.notes.add(contactId, { body: values.note });
    expect((await me.dataEvents.track({ event_name: 'enc-seen', created_at: 1_700_000_000, id: contactId, metadata: { code: values.meta } })).status).toBe(202);
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('stores them sealed: none of the values is in es_events, one data key row exists, and the API reads them back', async () => {
    const text = await logText(t, contactId);
    for (const value of Object.values(values)) expect(text).not.toContain(value);
    expect(text).toContain('$enc');
    const keys = await t.pool.query('SELECT owner_id, master_key_id FROM es_data_keys WHERE owner_id = $1', [contactId]);
    expect(keys.rows).toHaveLength(1);
    const history = await historyValues(t, token, contactId);
    for (const value of [values.email, values.name, values.newName, values.phone]) expect(history).toContain(value);
    expect((await api(t).as(token).ok.contacts.get(contactId)).name).toBe(values.newName);
  });

  it('keys rotate re-wraps the data keys under the new master key without touching an event; the new key alone reads everything', async () => {
    const before = await logText(t, contactId);
    const rotated = (await runCli(['keys', 'rotate'], { DATABASE_URL: database.url, ENCRYPTION_KEY: newKey, ENCRYPTION_PREVIOUS_KEYS: oldKey })) as Record<string, number>;
    expect(rotated.rewrapped).toBeGreaterThanOrEqual(1);
    expect(await logText(t, contactId)).toBe(before);
    const fresh = await startTestApp({ DATABASE_URL: database.url, ENCRYPTION_KEY: newKey });
    try {
      const history = await historyValues(fresh, token, contactId);
      for (const value of [values.email, values.name, values.newName]) expect(history).toContain(value);
      const contact = await api(fresh).as(token).ok.contacts.get(contactId);
      expect(contact).toMatchObject({ email: values.email, name: values.newName, phone: values.phone });
      expect((await api(fresh).as(token).ok.notes.of(contactId)).data[0].body).toContain(values.note);
    } finally {
      await fresh.close();
    }
  });

  it('the bench-only switch stores new events unencrypted, and creates no data key', async () => {
    const plain = await startTestApp({ DATABASE_URL: database.url, ENCRYPTION_KEY: newKey, ENCRYPTION_BENCH_DISABLE: 'true' });
    try {
      const ws = await plain.newWorkspace('bench');
      const email = `plain-${randomUUID()}@example.com`;
      const contact = await api(plain).as(ws).ok.contacts.create({ email });
      expect(await logText(plain, contact.id)).toContain(email);
      expect((await plain.pool.query('SELECT 1 FROM es_data_keys WHERE owner_id = $1', [contact.id])).rows).toHaveLength(0);
    } finally {
      await plain.close();
    }
  });
});
