import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { PostgresEventStore } from '../postgres-event-store.js';
import { MasterKeyring } from './master-keys.js';
import { ERASED, PersonalDataCodec, type PersonalDataPolicy } from './personal-data-codec.js';

const metadata = { actor: { type: 'system' as const, id: 'test' }, request_id: null };
const policy: PersonalDataPolicy = {
  eventTypes: new Set(['Created', 'Changed']),
  isPersonalKey: (key) => key === 'email' || key === 'name',
  ownerOf: (streamId) => streamId.replace(/:events$/, ''),
};

let pool: pg.Pool;
let queries = 0;
const master = randomBytes(32);
const codec = (keyring = new MasterKeyring(master), options: { readTrustMs?: number } = {}) => new PersonalDataCodec(pool, { keyring, policy, ...options });
beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 3 });
  const query = pool.query.bind(pool);
  pool.query = ((...args: Parameters<typeof query>) => {
    queries++;
    return query(...args);
  }) as typeof pool.query;
});
afterAll(() => pool.end());

const append = (store: PostgresEventStore, workspaceId: string, streamId: string, expectedVersion: number, events: { type: string; data: object }[]) =>
  store.append({ workspaceId, streamId, streamType: 'test', expectedVersion, metadata, events });
const raw = async (workspaceId: string) =>
  (await pool.query('SELECT stream_id, data FROM es_events WHERE workspace_id = $1 ORDER BY global_position', [workspaceId])).rows;

describe('the personal-data codec in the event store', () => {
  it("creates a new owner's data key in its first append's one statement, and later appends cost no extra round trip", async () => {
    const store = new PostgresEventStore(pool, codec());
    const ws = `w-${randomUUID()}`;
    const id = randomUUID();
    queries = 0;
    await append(store, ws, id, 0, [{ type: 'Created', data: { email: 'first@example.com', plan: 'pro' } }]);
    expect(queries).toBe(1);
    const keys = await pool.query('SELECT master_key_id, wrapped_key FROM es_data_keys WHERE workspace_id = $1 AND owner_id = $2', [ws, id]);
    expect(keys.rows).toHaveLength(1);
    queries = 0;
    await append(store, ws, id, 1, [{ type: 'Changed', data: { email: { from: 'first@example.com', to: 'second@example.com' } } }]);
    expect(queries).toBe(1);
    const stored = JSON.stringify(await raw(ws));
    expect(stored).not.toContain('example.com');
    expect(stored).toContain('pro');
    const events = await store.readStreamRange(ws, id, 1, 2);
    expect(events.map((e) => e.data)).toEqual([{ email: 'first@example.com', plan: 'pro' }, { email: { from: 'first@example.com', to: 'second@example.com' } }]);
  });

  it("another process's first append for an owner costs no extra round trip once its load brought the key row (remember)", async () => {
    const ws = `w-${randomUUID()}`;
    const id = randomUUID();
    await append(new PostgresEventStore(pool, codec()), ws, id, 0, [{ type: 'Created', data: { email: 'first@example.com' } }]);
    const [row] = (await pool.query('SELECT master_key_id, wrapped_key FROM es_data_keys WHERE workspace_id = $1 AND owner_id = $2', [ws, id])).rows;
    const cold = new PostgresEventStore(pool, codec());
    cold.codec.remember?.(ws, id, row);
    queries = 0;
    await append(cold, ws, id, 1, [{ type: 'Changed', data: { email: { from: 'first@example.com', to: 'second@example.com' } } }]);
    expect(queries).toBe(1);
    expect(JSON.stringify(await raw(ws))).not.toContain('example.com');
    // The key remembered is the owner's: a third process reads both events back with it.
    const events = await new PostgresEventStore(pool, codec()).readStreamRange(ws, id, 1, 2);
    expect(events.map((e) => e.data)).toEqual([{ email: 'first@example.com' }, { email: { from: 'first@example.com', to: 'second@example.com' } }]);
    // Without the row, the same first append looks the key up: one more round trip.
    const other = new PostgresEventStore(pool, codec());
    queries = 0;
    await append(other, ws, id, 2, [{ type: 'Changed', data: { name: { from: null, to: 'N' } } }]);
    expect(queries).toBe(2);
  });

  it('reads with another process (no cache): one round trip for the keys of a whole batch; a second stream of the owner shares its key', async () => {
    const writer = new PostgresEventStore(pool, codec());
    const ws = `w-${randomUUID()}`;
    const [a, b] = [randomUUID(), randomUUID()];
    await append(writer, ws, a, 0, [{ type: 'Created', data: { email: 'a@example.com' } }]);
    await append(writer, ws, b, 0, [{ type: 'Created', data: { email: 'b@example.com' } }]);
    await append(new PostgresEventStore(pool, codec()), ws, `${a}:events`, 0, [{ type: 'Created', data: { name: 'tracked' } }]);
    expect((await pool.query('SELECT count(*)::int AS n FROM es_data_keys WHERE workspace_id = $1', [ws])).rows[0].n).toBe(2);
    const reader = new PostgresEventStore(pool, codec());
    const rows = (await pool.query('SELECT global_position, transaction_id::text, workspace_id, stream_id, stream_position, event_id, event_type, schema_version, data, metadata, recorded_at FROM es_events WHERE workspace_id = $1 ORDER BY global_position', [ws])).rows;
    queries = 0;
    const events = await reader.toStoredEvents(rows);
    expect(queries).toBe(1);
    expect(events.map((e) => e.data)).toEqual([{ email: 'a@example.com' }, { email: 'b@example.com' }, { name: 'tracked' }]);
  });

  it('after the key is erased, reads show the erased marker (even where the key was cached, once the trust window passed) and new values are never stored', async () => {
    const store = new PostgresEventStore(pool, codec(undefined, { readTrustMs: 0 }));
    const ws = `w-${randomUUID()}`;
    const id = randomUUID();
    await append(store, ws, id, 0, [{ type: 'Created', data: { email: 'gone@example.com', plan: 'pro' } }]);
    await pool.query(`UPDATE es_data_keys SET wrapped_key = NULL, master_key_id = NULL, erased_at = now() WHERE workspace_id = $1`, [ws]);
    expect((await store.readStreamRange(ws, id, 1, 1))[0].data).toEqual({ email: ERASED, plan: 'pro' });
    // A fresh process sees the tombstone too, and writes the marker instead of any new personal value.
    const later = new PostgresEventStore(pool, codec());
    await append(later, ws, id, 1, [{ type: 'Changed', data: { email: { from: null, to: 'back@example.com' } } }]);
    expect(JSON.stringify(await raw(ws))).not.toContain('example.com');
    expect((await later.readStreamRange(ws, id, 2, 2))[0].data).toEqual({ email: { from: null, to: ERASED } });
  });

  it("reads an erased owner's values written in plain text (before sealing) as erased too; an owner never keyed stays as written", async () => {
    const plain = new PostgresEventStore(pool, new PersonalDataCodec(pool, { keyring: new MasterKeyring(master), policy, encrypt: false }));
    const ws = `w-${randomUUID()}`;
    const [erased, kept] = [randomUUID(), randomUUID()];
    await append(plain, ws, erased, 0, [{ type: 'Created', data: { email: 'plain@example.com', plan: 'pro' } }]);
    await append(plain, ws, kept, 0, [{ type: 'Created', data: { email: 'kept@example.com' } }]);
    await pool.query(`INSERT INTO es_data_keys (workspace_id, owner_id, erased_at) VALUES ($1, $2, now())`, [ws, erased]);
    const reader = new PostgresEventStore(pool, codec());
    expect((await reader.readStreamRange(ws, erased, 1, 1))[0].data).toEqual({ email: ERASED, plan: 'pro' });
    expect((await reader.readStreamRange(ws, kept, 1, 1))[0].data).toEqual({ email: 'kept@example.com' });
  });

  it('rotation re-wraps every data key under the new master key without touching an event, and everything stays readable', async () => {
    const oldMaster = randomBytes(32);
    const ws = `w-${randomUUID()}`;
    const id = randomUUID();
    await append(new PostgresEventStore(pool, codec(new MasterKeyring(oldMaster))), ws, id, 0, [{ type: 'Created', data: { email: 'rotate@example.com' } }]);
    const eventsBefore = await raw(ws);
    const newMaster = randomBytes(32);
    const during = codec(new MasterKeyring(newMaster, [oldMaster]));
    const { rewrapped, master_key_id } = await during.rotate();
    expect(rewrapped).toBeGreaterThanOrEqual(1);
    const row = (await pool.query('SELECT master_key_id FROM es_data_keys WHERE workspace_id = $1 AND owner_id = $2', [ws, id])).rows[0];
    expect(row.master_key_id).toBe(master_key_id);
    expect(await raw(ws)).toEqual(eventsBefore);
    // Only the new master key from here on.
    const after = new PostgresEventStore(pool, codec(new MasterKeyring(newMaster)));
    expect((await after.readStreamRange(ws, id, 1, 1))[0].data).toEqual({ email: 'rotate@example.com' });
  });
});
