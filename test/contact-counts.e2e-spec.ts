import { randomBytes } from 'node:crypto';
import { ContactCounts1764200000700, rebuildContactProjections } from '@app/contacts';
import { PostgresEventStore } from '@app/event-store';
import type { QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, api } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The plain list's total_count is the projection's counter (contact_counts); it must match a count of the listed rows. */
describe('the workspace contact counter', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  const listed = async (workspaceId: string) =>
    Number(
      (await t.pool.query(`SELECT count(*) AS n FROM contacts WHERE workspace_id = $1 AND (state->>'archived') IS DISTINCT FROM 'true'`, [workspaceId])).rows[0].n,
    );
  const totalCount = async (client: Client) => {
    const res = await client.contacts.list({ per_page: 1 });
    expect(res.status).toBe(200);
    return res.body.total_count as number;
  };
  const create = async (client: Client, body: object) => {
    const res = await client.contacts.create(body);
    expect(res.status, res.text).toBe(200);
    return res.body.id as string;
  };
  const email = () => `c-${randomBytes(4).toString('hex')}@example.com`;

  it('stays exact under parallel creates, deletes, merges, archives, unarchives and role changes, and after a rebuild', async () => {
    const ws = await t.newWorkspace();
    const client = api(t).as(ws);
    const users = await Promise.all(Array.from({ length: 24 }, () => create(client, { email: email() })));
    const leads = await Promise.all(Array.from({ length: 12 }, () => create(client, { role: 'lead', name: 'Lead' })));
    expect(await totalCount(client)).toBe(36);
    const archivedFirst = users.slice(20, 24);
    await Promise.all(archivedFirst.map((id) => client.contacts.archive(id)));
    expect(await totalCount(client)).toBe(32);

    // Every kind of write at once, some twice on the same contact (the second must not move the count again).
    const writes: Promise<{ status: number }>[] = [
      ...Array.from({ length: 16 }, () => client.contacts.create({ email: email() })),
      ...users.slice(0, 4).flatMap((id) => [client.contacts.delete(id), client.contacts.delete(id)]),
      ...users.slice(4, 8).flatMap((id) => [client.contacts.archive(id), client.contacts.archive(id)]),
      ...archivedFirst.flatMap((id) => [client.contacts.unarchive(id), client.contacts.unarchive(id)]),
      ...leads.slice(0, 4).map((lead, i) => client.contacts.merge({ from: lead, into: users[8 + i] })),
      ...leads.slice(4, 8).map((id) => client.contacts.update(id, { role: 'user', email: email() })),
      ...users.slice(12, 16).map((id) => client.contacts.update(id, { name: 'Renamed' })),
      // An archived lead merged: it leaves without moving the count, which it was not in.
      client.contacts.archive(leads[8]).then(() => client.contacts.merge({ from: leads[8], into: users[16] })),
    ];
    const statuses = (await Promise.all(writes)).map((res) => res.status);
    // The second of two racing deletes may find the contact gone; every other write succeeds.
    expect(statuses.filter((s) => s !== 200 && s !== 404)).toEqual([]);
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(4);

    // 32 + 16 created - 4 deleted - 4 archived + 4 unarchived - 4 merged - 1 lead archived (then merged: no move);
    // role changes and updates do not count.
    const expected = 32 + 16 - 4 - 4 + 4 - 4 - 1;
    expect(await listed(ws.workspace_id)).toBe(expected);
    expect(await totalCount(client)).toBe(expected);

    // Drift the counters, then rebuild: the rebuild recounts them from the replayed contacts.
    await t.pool.query('UPDATE contact_counts SET visible = visible + 100 WHERE workspace_id = $1', [ws.workspace_id]);
    expect(await totalCount(client)).not.toBe(expected);
    await rebuildContactProjections(t.pool, t.app.get(PostgresEventStore));
    expect(await totalCount(client)).toBe(expected);
    await create(client, { email: email() });
    expect(await totalCount(client)).toBe(expected + 1);
    expect(await listed(ws.workspace_id)).toBe(expected + 1);
  });

  it('the migration backfills the counters from the contacts already there', async () => {
    const ws = await t.newWorkspace();
    const client = api(t).as(ws);
    const ids = await Promise.all(Array.from({ length: 5 }, () => create(client, { email: email() })));
    await client.contacts.archive(ids[0]);
    const db = await t.pool.connect();
    try {
      // Replayed in a transaction that is rolled back: as if the table did not exist yet.
      await db.query('BEGIN');
      await db.query('DROP TABLE contact_counts');
      await new ContactCounts1764200000700().up({ query: (sql: string) => db.query(sql) } as unknown as QueryRunner);
      const { rows } = await db.query('SELECT slot, visible::int AS visible FROM contact_counts WHERE workspace_id = $1', [ws.workspace_id]);
      expect(rows).toEqual([{ slot: 0, visible: 4 }]);
    } finally {
      await db.query('ROLLBACK');
      db.release();
    }
    expect(await totalCount(client)).toBe(4);
  });

  it('spreads a workspace over several counter rows, and counts another workspace apart', async () => {
    const a = await t.newWorkspace();
    const b = await t.newWorkspace();
    await Promise.all(Array.from({ length: 40 }, () => create(api(t).as(a), { email: email() })));
    await create(api(t).as(b), { email: email() });
    const slots = await t.pool.query('SELECT count(*)::int AS n FROM contact_counts WHERE workspace_id = $1', [a.workspace_id]);
    expect(slots.rows[0].n).toBeGreaterThan(1);
    expect(await totalCount(api(t).as(a))).toBe(40);
    expect(await totalCount(api(t).as(b))).toBe(1);
    expect(await totalCount(api(t).as(await t.newWorkspace()))).toBe(0);
  });
});
