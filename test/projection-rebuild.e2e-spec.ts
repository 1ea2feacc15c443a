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
      tagApplications: await rows('SELECT * FROM contact_tag_applications WHERE workspace_id = ANY($1) ORDER BY workspace_id, contact_id, tag_id'),
      eventSummaries: await rows('SELECT * FROM contact_event_summaries WHERE workspace_id = ANY($1) ORDER BY workspace_id, contact_id, event_name'),
      eventKeys: await rows('SELECT * FROM contact_data_event_keys WHERE workspace_id = ANY($1) ORDER BY workspace_id, contact_id, event_name, created_at'),
      companies: await rows('SELECT workspace_id, id, company_id, created_at, version, state, name FROM companies WHERE workspace_id = ANY($1) ORDER BY 1, 2'),
      companyTags: await rows('SELECT * FROM company_tags WHERE workspace_id = ANY($1) ORDER BY workspace_id, company_id, tag_id'),
      companyNotes: await rows('SELECT * FROM company_notes WHERE workspace_id = ANY($1) ORDER BY workspace_id, company_id, position'),
      companySnapshots: await rows('SELECT * FROM company_snapshots WHERE workspace_id = ANY($1) ORDER BY workspace_id, company_id, version'),
      companyContacts: await rows('SELECT * FROM company_contacts WHERE workspace_id = ANY($1) ORDER BY workspace_id, company_id, contact_id'),
      // Counters are spread over random slots (and a key that fell to 0 may keep its rows): what readers see is the sum.
      companyCounts: await rows(
        'SELECT workspace_id, key, sum(n)::int AS n FROM company_counts WHERE workspace_id = ANY($1) GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2',
      ),
      companyUsers: await rows(
        'SELECT workspace_id, company_id, sum(users)::int AS users FROM company_contact_stats WHERE workspace_id = ANY($1) GROUP BY 1, 2 HAVING sum(users) <> 0 ORDER BY 1, 2',
      ),
    };
  }

  const READ_MODELS = [
    'contacts', 'contact_notes', 'contact_merges', 'contact_event_summaries', 'contact_data_event_keys',
    'companies', 'company_tags', 'company_notes', 'company_snapshots', 'company_counts',
  ];
  const indexes = async () =>
    (await t.pool.query('SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1) ORDER BY 1, 2', [READ_MODELS])).rows;

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
    // The lead's data events become the user's at the merge (through contact_merges: their rows stay the lead's).
    // Listed: GET /events lists the last 90 days.
    await me.dataEvents.track({ event_name: 'lead-visit', created_at: Math.floor(Date.now() / 1000) - 60, id: lead.id }).expect(202);
    await ok.contacts.merge({ from: lead.id, into: blocked.id });
    await ok.notes.add(blocked.id, { body: 'After the merge', admin_id: ws.admin.id });

    // Data events: tracked (one twice with the same key, recorded once), and summaries imported onto a tracked name and a new one.
    for (const [name, at] of [['placed-order', 1_700_000_000], ['viewed-page', 1_700_000_005], ['placed-order', 1_700_000_010], ['placed-order', 1_700_000_010]] as const) {
      await me.dataEvents.track({ event_name: name, created_at: at, user_id: 'u-0', metadata: { n: at } }).expect(202);
    }
    await me.dataEvents.track({ event_name: 'placed-order', created_at: 1_700_000_020, id: archived.id }).expect(202);
    await ok.dataEvents.summaries({ user_id: 'u-0', event_summaries: [{ event_name: 'placed-order', count: 5, first: 1_600_000_000, last: 1_650_000_000 }, { event_name: 'imported', count: 2 }] });

    // Companies: created, updated (one past 100 versions, so it has a snapshot), tagged, untagged, holding contacts, deleted.
    const acme = await ok.companies.save({ company_id: 'acme', name: 'Acme', plan: 'pro', monthly_spend: 100, custom_attributes: {} });
    const globex = await ok.companies.save({ company_id: 'globex', name: 'Globex', size: 50 });
    const initech = await ok.companies.save({ company_id: 'initech', name: 'Initech' });
    for (let i = 0; i < 100; i++) await ok.companies.update(globex.id, { name: `Globex ${i}` });
    await ok.companies.update(acme.id, { plan: 'enterprise', industry: 'Anvils' });
    await ok.tags.save({ name: 'VIP', companies: [{ id: acme.id }, { id: globex.id }, { id: initech.id }] });
    await ok.tags.save({ name: 'Churn risk', companies: [{ id: globex.id }] });
    await ok.tags.save({ name: 'VIP', companies: [{ id: globex.id, untag: true }] });
    await ok.companies.attach(renamed.id, { id: acme.id });
    await ok.companies.attach(archived.id, { id: acme.id });
    await ok.companies.attach(blocked.id, { id: initech.id });
    // 2.16 company notes: two on acme, one on initech that stays in company_notes after the delete.
    for (const [company, body] of [[acme, 'Renewal'], [acme, 'Signed'], [initech, 'Before the delete']] as const) {
      await ok.post(`/companies/${company.id}/notes`, { body, admin_id: ws.admin.id }, { 'Intercom-Version': '2.16' });
    }
    await ok.companies.delete(initech.id);
    return { ws, me, renamed, archived, blocked, deleted, lead, acme, globex, initech };
  }

  it('replays the log into a read model equal to the live one, repairing drift, keeping indexes and constraints', async () => {
    const { ws, me, renamed, archived, blocked, deleted, lead, acme, globex, initech } = await history();
    const live = await snapshot();
    expect(live.eventSummaries.filter((s) => s.contact_id === renamed.id)).toEqual([
      { workspace_id: ws.workspace_id, contact_id: renamed.id, event_name: 'imported', count: 2, first_at: expect.any(Number), last_at: expect.any(Number), version: 5 },
      { workspace_id: ws.workspace_id, contact_id: renamed.id, event_name: 'placed-order', count: 7, first_at: 1_600_000_000, last_at: 1_700_000_010, version: 4 },
      { workspace_id: ws.workspace_id, contact_id: renamed.id, event_name: 'viewed-page', count: 1, first_at: 1_700_000_005, last_at: 1_700_000_005, version: 2 },
    ]);
    expect(live.eventKeys).toHaveLength(5);
    expect(live.eventKeys.find((k) => k.contact_id === lead.id)).toMatchObject({ event_name: 'lead-visit', stream_position: 1 });
    const blockedEvents = async () => ({
      list: await me.ok.dataEvents.list({ type: 'user', intercom_user_id: blocked.id }),
      summary: await me.ok.dataEvents.list({ type: 'user', intercom_user_id: blocked.id, summary: true }),
    });
    const blockedBefore = await blockedEvents();
    expect(blockedBefore.list.events.map((e: Json) => [e.event_name, e.intercom_user_id])).toEqual([['lead-visit', blocked.id]]);
    expect(blockedBefore.summary.events).toMatchObject([{ name: 'lead-visit', count: 1 }]);
    expect(live.companies.map((c) => c.id)).toEqual(expect.arrayContaining([acme.id, globex.id]));
    expect(live.companies.map((c) => c.id)).not.toContain(initech.id);
    expect(live.companySnapshots.map((s) => [s.company_id, s.version])).toEqual([[globex.id, 100]]);
    expect(live.companyTags.map((r) => [r.company_id, r.tag_id]).sort()).toHaveLength(2);
    expect(live.companyNotes.map((n) => [n.company_id, n.position, n.body])).toEqual(
      [[acme.id, 1, '<p>Renewal</p>'], [acme.id, 2, '<p>Signed</p>'], [initech.id, 1, '<p>Before the delete</p>']].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(live.companyCounts.find((c) => c.key === '')).toMatchObject({ n: 2 });
    expect(live.companyUsers).toEqual([{ workspace_id: ws.workspace_id, company_id: acme.id, users: 2 }]);
    expect(live.contacts.map((c) => c.id)).toEqual(expect.arrayContaining([renamed.id, archived.id, blocked.id]));
    expect(live.contacts.map((c) => c.id)).not.toContain(deleted.id);
    expect(live.merges).toEqual([{ workspace_id: ws.workspace_id, from_id: lead.id, into_id: blocked.id, merged_at: expect.any(Number) }]);
    expect(live.notes.filter((n) => n.contact_id === blocked.id)).toHaveLength(2);
    const indexesBefore = await indexes();

    // Drift the read model away from the log: the rebuild must not be a no-op.
    await t.pool.query(`UPDATE contacts SET state = jsonb_set(state, '{name}', '"drifted"') WHERE workspace_id = $1 AND id = $2`, [ws.workspace_id, renamed.id]);
    await t.pool.query('DELETE FROM contact_notes WHERE workspace_id = $1', [ws.workspace_id]);
    await t.pool.query('DELETE FROM contact_merges WHERE workspace_id = $1', [ws.workspace_id]);
    await t.pool.query('UPDATE contact_event_summaries SET count = 99 WHERE workspace_id = $1', [ws.workspace_id]);
    await t.pool.query('DELETE FROM contact_data_event_keys WHERE workspace_id = $1', [ws.workspace_id]);
    await t.pool.query(`UPDATE companies SET state = jsonb_set(state, '{name}', '"drifted"') WHERE workspace_id = $1`, [ws.workspace_id]);
    for (const table of ['company_tags', 'company_notes', 'company_snapshots', 'company_counts']) await t.pool.query(`DELETE FROM ${table} WHERE workspace_id = $1`, [ws.workspace_id]);

    const report = (await runCli(['projections', 'rebuild'], { DATABASE_URL: inject('databaseUrl') })) as Record<string, number>;
    expect(report).toMatchObject({
      events: expect.any(Number), contacts: expect.any(Number), event_summaries: expect.any(Number), event_keys: expect.any(Number),
      companies: expect.any(Number), company_tags: expect.any(Number), company_notes: expect.any(Number), seconds: expect.any(Number), events_per_second: expect.any(Number),
    });
    const { rows } = await t.pool.query(
      "SELECT count(*)::int AS n FROM es_events e JOIN es_streams s USING (workspace_id, stream_id) WHERE s.stream_type IN ('contact', 'contact_events', 'company')",
    );
    expect(report.events).toBeGreaterThanOrEqual(rows[0].n);

    expect(await snapshot()).toEqual(live);
    expect(await indexes()).toEqual(indexesBefore);
    expect(await blockedEvents()).toEqual(blockedBefore);
    // The unique index still answers by its name: a duplicate user is the documented 409.
    const clash = await me.contacts.create({ email: 'user1@example.com' });
    expect(clash.status).toBe(409);
    expect(clash.body.errors[0].message).toBe(`An archived contact matching those details already exists with id=${archived.id}`);
    expect(await me.ok.contacts.get(renamed.id)).toMatchObject({ name: 'Renamed', phone: '+15550100', custom_attributes: {} });
  });

  it('loses no write made while it runs: changes during the fold are caught up, writes during the swap wait and apply', async () => {
    const { ws, me, renamed, archived, blocked, acme, globex } = await history();
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
        await me.dataEvents.track({ event_name: 'tracked-during-fold', created_at: 1_700_000_100, id: renamed.id }).expect(202);
        await me.ok.companies.update(acme.id, { name: 'Renamed during the fold' });
        await me.ok.tags.save({ name: 'Churn risk', companies: [{ id: acme.id }] });
        await me.ok.companies.save({ company_id: 'born-during-rebuild', name: 'Born' });
        await me.ok.post(`/companies/${acme.id}/notes`, { body: 'Noted during the fold' }, { 'Intercom-Version': '2.16' });
        // Sent as the swap begins: they queue behind its lock, or commit just before it and are caught up.
        during = [
          ...Array.from({ length: 10 }, (_, i) => me.ok.contacts.update([renamed, archived][i % 2].id, { custom_attributes: { plan: `p${i}` } })),
          ...Array.from({ length: 4 }, (_, i) => me.dataEvents.track({ event_name: 'tracked-during-swap', created_at: 1_700_000_200 + i, id: archived.id }).expect(202)),
          ...Array.from({ length: 4 }, (_, i) => me.ok.companies.update(globex.id, { monthly_spend: i })),
        ];
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    await Promise.all(during);
    // Contacts renamed, blocked and created; renamed's data events; acme and the new company.
    expect(report.caught_up_streams).toBeGreaterThanOrEqual(6);

    expect(await me.ok.contacts.get(renamed.id)).toMatchObject({ name: 'Written during the fold' });
    expect(await me.ok.contacts.get(created!.id)).toMatchObject({ email: 'born-during-rebuild@example.com' });
    const notes = await t.pool.query('SELECT body FROM contact_notes WHERE workspace_id = $1 AND contact_id = $2', [ws.workspace_id, blocked.id]);
    expect(notes.rows.map((r) => r.body)).toContain('<p>Noted during the fold</p>');
    expect(await me.ok.companies.get(acme.id)).toMatchObject({ name: 'Renamed during the fold', tags: { tags: expect.arrayContaining([expect.objectContaining({ name: 'Churn risk' })]) } });
    expect(await me.ok.companies.retrieve({ company_id: 'born-during-rebuild' })).toMatchObject({ name: 'Born' });
    const companyNotes = await me.ok.get(`/companies/${acme.id}/notes`, { 'Intercom-Version': '2.16' });
    expect(companyNotes.data.map((n: Json) => n.body)).toEqual(['<p>Noted during the fold</p>', '<p>Signed</p>', '<p>Renewal</p>']);
    expect(companyNotes.total_count).toBe(3);
    const summaries = await t.pool.query('SELECT contact_id, event_name, count::int FROM contact_event_summaries WHERE workspace_id = $1 AND event_name LIKE $2 ORDER BY 1, 2', [
      ws.workspace_id, 'tracked-during-%',
    ]);
    expect(summaries.rows).toEqual([
      { contact_id: renamed.id, event_name: 'tracked-during-fold', count: 1 },
      { contact_id: archived.id, event_name: 'tracked-during-swap', count: 4 },
    ].sort((a, b) => a.contact_id.localeCompare(b.contact_id)));
    // The read model after all of that is exactly what the log folds to.
    const afterWrites = await snapshot();
    const versions = await t.pool.query(
      'SELECT c.id FROM contacts c JOIN es_streams s ON s.workspace_id = c.workspace_id AND s.stream_id = c.id WHERE c.workspace_id = $1 AND c.version <> s.version',
      [ws.workspace_id],
    );
    expect(versions.rows).toEqual([]);
    const companyVersions = await t.pool.query(
      'SELECT c.id FROM companies c JOIN es_streams s ON s.workspace_id = c.workspace_id AND s.stream_id = c.id WHERE c.workspace_id = $1 AND c.version <> s.version',
      [ws.workspace_id],
    );
    expect(companyVersions.rows).toEqual([]);
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
