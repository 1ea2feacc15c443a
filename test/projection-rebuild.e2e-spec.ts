import { rebuildContactProjections } from '@app/contacts';
import { PostgresEventStore } from '@app/event-store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../apps/contacts-api/src/cli-commands.js';
import { type Json, api } from './support/api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('projections rebuild', () => {
  let t: TestApp;
  const workspaces: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  async function workspace() {
    const ws = await t.newWorkspace();
    workspaces.push(ws.workspace_id);
    return { ws, me: api(t).as(ws) };
  }

  /** The read model of this file's workspaces (other test files write theirs meanwhile). */
  async function snapshot() {
    const rows = async (sql: string) => (await t.pool.query(sql, [workspaces])).rows;
    return {
      contacts: await rows(`SELECT workspace_id, id, version, state, role, email_lower, external_id, created_at FROM contacts WHERE workspace_id = ANY($1) ORDER BY 1, 2`),
      notes: await rows('SELECT * FROM contact_notes WHERE workspace_id = ANY($1) ORDER BY workspace_id, id'),
      merges: await rows('SELECT * FROM contact_merges WHERE workspace_id = ANY($1) ORDER BY workspace_id, from_id'),
    };
  }

  const indexes = async () =>
    (await t.pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('contacts', 'contact_notes', 'contact_merges') ORDER BY 1`)).rows;

  /**
   * Every kind of change the read model reflects: fields, custom attributes, tags, notes, archive, block, delete, merge.
   * Four users (User0..User3): `renamed` is edited, tagged, untagged and noted; `archived`; `blocked`, which the lead is
   * then merged into; `deleted`.
   */
  async function history() {
    const { ws, me } = await workspace();
    const { ok } = me;
    await ok.dataAttributes.define('plan', 'string');
    const vip = await ok.tags.save({ name: 'VIP' });
    const churn = await ok.tags.save({ name: 'Churn risk' });
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await ok.contacts.create({ email: `User${i}@Example.com`, external_id: `u-${i}`, name: `User ${i}` }));
    const [renamed, archived, blocked, deleted] = users;
    await ok.contacts.update(renamed.id, { name: 'Renamed', phone: '+15550100', custom_attributes: { plan: 'pro' } });
    await ok.contacts.update(renamed.id, { custom_attributes: { plan: null } });
    await ok.tags.attach(renamed.id, { id: vip.id });
    await ok.tags.attach(renamed.id, { id: churn.id });
    await ok.tags.detach(renamed.id, churn.id);
    await ok.notes.add(renamed.id, { body: 'Called, happy', admin_id: ws.admin.id });
    await ok.contacts.archive(archived.id);
    await ok.contacts.block(blocked.id);
    await ok.contacts.delete(deleted.id);
    const lead = await ok.contacts.create({ role: 'lead', name: 'Lead', phone: '+15550199', custom_attributes: { plan: 'free' } });
    await ok.tags.attach(lead.id, { id: churn.id });
    await ok.notes.add(lead.id, { body: 'Lead note', admin_id: ws.admin.id });
    await ok.contacts.merge({ from: lead.id, into: blocked.id });
    await ok.notes.add(blocked.id, { body: 'After the merge', admin_id: ws.admin.id });
    return { ws, me, renamed, archived, blocked, deleted, lead };
  }

  it('replays the log into a read model equal to the live one, repairing drift, keeping indexes and constraints', async () => {
    const { ws, me, renamed, archived, blocked, deleted, lead } = await history();
    const live = await snapshot();
    expect(live.contacts.map((c) => c.id)).toEqual(expect.arrayContaining([renamed.id, archived.id, blocked.id]));
    expect(live.contacts.map((c) => c.id)).not.toContain(deleted.id);
    expect(live.merges).toEqual([{ workspace_id: ws.workspace_id, from_id: lead.id, into_id: blocked.id, merged_at: expect.any(Number) }]);
    expect(live.notes.filter((n) => n.contact_id === blocked.id)).toHaveLength(2);
    const indexesBefore = await indexes();

    // Drift the read model away from the log: the rebuild must not be a no-op.
    await t.pool.query(`UPDATE contacts SET state = jsonb_set(state, '{name}', '"drifted"') WHERE workspace_id = $1 AND id = $2`, [ws.workspace_id, renamed.id]);
    await t.pool.query('DELETE FROM contact_notes WHERE workspace_id = $1', [ws.workspace_id]);
    await t.pool.query('DELETE FROM contact_merges WHERE workspace_id = $1', [ws.workspace_id]);

    const report = (await runCli(['projections', 'rebuild'], { DATABASE_URL: inject('databaseUrl') })) as Record<string, number>;
    expect(report).toMatchObject({ events: expect.any(Number), contacts: expect.any(Number), seconds: expect.any(Number), events_per_second: expect.any(Number) });
    const { rows } = await t.pool.query("SELECT count(*)::int AS n FROM es_events e JOIN es_streams s USING (workspace_id, stream_id) WHERE s.stream_type = 'contact'");
    expect(report.events).toBeGreaterThanOrEqual(rows[0].n);

    expect(await snapshot()).toEqual(live);
    expect(await indexes()).toEqual(indexesBefore);
    // The unique index still answers by its name: a duplicate user is the documented 409.
    const clash = await me.contacts.create({ email: 'user1@example.com' });
    expect(clash.status).toBe(409);
    expect(clash.body.errors[0].message).toBe(`An archived contact matching those details already exists with id=${archived.id}`);
    expect(await me.ok.contacts.get(renamed.id)).toMatchObject({ name: 'Renamed', phone: '+15550100', custom_attributes: {} });
  });

  it('loses no write made while it runs: changes during the fold are caught up, writes during the swap wait and apply', async () => {
    const { ws, me, renamed, archived, blocked } = await history();
    const store = t.app.get(PostgresEventStore);
    let during: Promise<unknown>[] = [];
    let created: Json | undefined;
    const report = await rebuildContactProjections(t.pool, store, {
      pageSize: 7,
      beforeSwap: async () => {
        // Committed after their streams were folded: only the catch-up under the lock can see them.
        await me.ok.contacts.update(renamed.id, { name: 'Written during the fold' });
        await me.ok.notes.add(blocked.id, { body: 'Noted during the fold', admin_id: ws.admin.id });
        created = await me.ok.contacts.create({ email: 'born-during-rebuild@example.com' });
        // Sent as the swap begins: they queue behind its lock, or commit just before it and are caught up.
        during = Array.from({ length: 10 }, (_, i) => me.ok.contacts.update([renamed, archived][i % 2].id, { custom_attributes: { plan: `p${i}` } }));
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    await Promise.all(during);
    expect(report.caught_up_streams).toBeGreaterThanOrEqual(2);

    expect(await me.ok.contacts.get(renamed.id)).toMatchObject({ name: 'Written during the fold' });
    expect(await me.ok.contacts.get(created!.id)).toMatchObject({ email: 'born-during-rebuild@example.com' });
    const notes = await t.pool.query('SELECT body FROM contact_notes WHERE workspace_id = $1 AND contact_id = $2', [ws.workspace_id, blocked.id]);
    expect(notes.rows.map((r) => r.body)).toContain('<p>Noted during the fold</p>');
    // The read model after all of that is exactly what the log folds to.
    const afterWrites = await snapshot();
    const versions = await t.pool.query(
      'SELECT c.id FROM contacts c JOIN es_streams s ON s.workspace_id = c.workspace_id AND s.stream_id = c.id WHERE c.workspace_id = $1 AND c.version <> s.version',
      [ws.workspace_id],
    );
    expect(versions.rows).toEqual([]);
    await rebuildContactProjections(t.pool, store);
    expect(await snapshot()).toEqual(afterWrites);
  });

  it('refuses a second rebuild while one runs', async () => {
    const store = t.app.get(PostgresEventStore);
    let second: Promise<unknown> | undefined;
    await rebuildContactProjections(t.pool, store, {
      beforeSwap: async () => {
        second = rebuildContactProjections(t.pool, store);
        await expect(second).rejects.toThrow('another projection rebuild is running');
      },
    });
    expect(second).toBeDefined();
  });
});
