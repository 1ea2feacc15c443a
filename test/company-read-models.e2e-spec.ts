import { CompanyContactsByKey1764200001080, CompanyContactsByKeyAtAnySize1764200001120, CompanySegments1764200000970, CompanyStreams1764200000920, TagDeletionCompanies1764200001040, evolveCompany, rebuildContactProjections, toCompanyEvent } from '@app/contacts';
import { PostgresEventStore, migrate } from '@app/event-store';
import { MIGRATIONS } from '@app/runtime';
import { WorkspacesService } from '@app/workspaces';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from './support/api.js';
import { storedEvents } from './support/stored-events.js';
import { type OwnDatabase, ownDatabase } from './support/own-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const holders = async (t: TestApp, companyId: string) =>
  (await t.pool.query('SELECT count(*)::int AS n FROM company_contacts WHERE company_id = $1', [companyId])).rows[0].n;

describe('company read models kept by the contact projection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('keeps user_count exact under concurrent attaches and detaches, spread over counter slots, and after a rebuild', async () => {
    const me = api(t).as(await t.newWorkspace());
    const [a, b] = [await me.ok.companies.save({ company_id: 'hot-a' }), await me.ok.companies.save({ company_id: 'hot-b' })];
    const contacts = await Promise.all(Array.from({ length: 30 }, (_, i) => me.ok.contacts.create({ email: `hot-${i}@example.com`, last_seen_at: 1_700_000_000 + i })));
    await Promise.all(contacts.flatMap((c) => [me.companies.attach(c.id, { id: a.id }).expect(200), me.companies.attach(c.id, { id: b.id }).expect(200)]));
    await Promise.all(contacts.slice(0, 10).map((c) => me.companies.detach(c.id, a.id).expect(200)));
    await Promise.all(contacts.slice(10, 15).map((c) => me.contacts.delete(c.id).expect(200)));
    const expectCounts = async () => {
      expect((await me.ok.companies.get(a.id)).user_count).toBe(15);
      expect((await me.ok.companies.get(b.id)).user_count).toBe(25);
      expect(await holders(t, a.id)).toBe(15);
      expect(await holders(t, b.id)).toBe(25);
      expect((await me.ok.companies.get(b.id)).last_request_at).toBe(1_700_000_029);
    };
    await expectCounts();
    const slots = await t.pool.query('SELECT count(*)::int AS n FROM company_contact_stats WHERE company_id = $1', [b.id]);
    expect(slots.rows[0].n).toBeGreaterThan(1);

    // Drift them, then rebuild: the refill of contacts derives them again.
    await t.pool.query('UPDATE company_contact_stats SET users = users + 100 WHERE company_id = $1', [a.id]);
    await t.pool.query('DELETE FROM company_contacts WHERE company_id = $1', [b.id]);
    await rebuildContactProjections(t.pool, t.app.get(PostgresEventStore));
    await expectCounts();
  });
});

describe('migration 920 on a database with catalog companies', () => {
  let url: string;
  let database: OwnDatabase;
  let t: TestApp | undefined;

  beforeAll(async () => {
    database = await ownDatabase('contacts_mig');
    url = database.url;
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('turns each row into a stream of one CompanyCreated, keeps its values, plan and user count, and takes new events on top', async () => {
    // 970 indexes the companies' state, 1040 company_tags and 1080 and 1120 the company_contacts triggers, which 920
    // brings: they wait for the later full migration.
    const later = [
      CompanyStreams1764200000920,
      CompanySegments1764200000970,
      TagDeletionCompanies1764200001040,
      CompanyContactsByKey1764200001080,
      CompanyContactsByKeyAtAnySize1764200001120,
    ];
    await migrate({ url, migrations: MIGRATIONS.filter((m) => !later.includes(m)) });
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const ws = await new WorkspacesService(pool, { tokenCacheMs: 0 }).create({ name: 'before' });
    const companyId = '5f0000000000000000000001';
    await pool.query(
      `INSERT INTO companies (workspace_id, id, company_id, name, plan, monthly_spend, size, website, industry, custom_attributes, remote_created_at, created_at, updated_at)
       VALUES ($1, $2, 'old-1', 'Old Co', 'Gold', 42, 7, 'https://old.example', 'Anvils', '{"tier": "a"}', 1000, 1600000000, 1600000100),
              ($1, '5f0000000000000000000002', 'old-2', NULL, NULL, NULL, NULL, NULL, NULL, '{}', 1600000001, 1600000001, 1600000001)`,
      [ws.workspace_id, companyId],
    );
    // A contact that held it, with the fields a contact state carries.
    const state = {
      id: '5f00000000000000000000c1', workspace_id: ws.workspace_id, role: 'user', external_id: null, email: 'held@example.com', phone: null, name: null,
      avatar: null, owner_id: null, signed_up_at: null, last_seen_at: 1_650_000_000, unsubscribed_from_emails: false, custom_attributes: {},
      created_at: 1600000000, updated_at: 1600000000, archived: false, blocked: false, tag_ids: [], company_ids: [companyId], note_ids: [], opted_in_ids: [], opted_out_ids: [],
    };
    await pool.query('INSERT INTO contacts (workspace_id, id, version, state) VALUES ($1, $2, 2, $3)', [ws.workspace_id, state.id, state]);
    await pool.end();

    t = await startTestApp({ DATABASE_URL: url });
    const me = api(t).as(ws);
    const company = await me.ok.companies.get(companyId);
    expect(company).toEqual({
      type: 'company', company_id: 'old-1', id: companyId, app_id: ws.workspace_id, name: 'Old Co', remote_created_at: 1000,
      created_at: 1600000000, updated_at: 1600000000, last_request_at: 1_650_000_000, monthly_spend: 42, session_count: 0, user_count: 1,
      size: 7, website: 'https://old.example', industry: 'Anvils', tags: { type: 'tag.list', tags: [] }, segments: { type: 'segment.list', segments: [] },
      plan: { type: 'plan', id: expect.stringMatching(/^\d+$/), name: 'Gold' }, custom_attributes: { tier: 'a' },
    });
    const log = await storedEvents(t, companyId);
    expect(log.map((e) => [e.event_type, e.stream_position, e.metadata.actor.type])).toEqual([['CompanyCreated', 1, 'system']]);
    // The read model is what its one event folds to.
    const row = (await t.pool.query('SELECT state, version FROM companies WHERE id = $1', [companyId])).rows[0];
    expect(row).toEqual({ state: evolveCompany(null, toCompanyEvent({ type: log[0].event_type, data: log[0].data })), version: 1 });
    expect((await t.pool.query(`SELECT stream_type FROM es_streams WHERE stream_id = $1`, [companyId])).rows).toEqual([{ stream_type: 'company' }]);
    expect((await me.ok.companies.list()).total_count).toBe(2);
    expect((await me.ok.companies.retrieve({ company_id: 'old-2' })).name).toBe('');
    expect(ids((await me.ok.companies.contacts(companyId)).data)).toEqual([state.id]);

    // New events go on top of the migrated stream.
    expect(await me.ok.companies.update(companyId, { name: 'New Co' })).toMatchObject({ name: 'New Co', plan: company.plan, user_count: 1 });
    expect((await storedEvents(t, companyId)).map((e) => e.event_type)).toEqual(['CompanyCreated', 'CompanyUpdated']);
  });
});

const ids = (list: { id: string }[]) => list.map((c) => c.id);
