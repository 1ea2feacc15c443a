// Seeds a workspace of its own with many contacts for the list/search scenarios, straight into the database but through
// the service's real write path from the build: Contact.create (and tagContact for the tagged ones) decide the events
// and ContactRepository.save appends them with PostgresEventStore and projects them inline, one statement and one
// transaction per append as POST /contacts runs it, so es_streams, es_events and contacts hold exactly what the API
// would have written. Only HTTP is skipped, and commits are asynchronous (synchronous_commit off: durability of a bench
// database is not what is measured).
import 'reflect-metadata';
import pg from 'pg';
import { ADMINS, DATA_ATTRIBUTES, TAG_NAME, contactInputs, sampler } from './search-data.mjs';
import { apiClient } from './seed.mjs';

/** A module of the build (npm run bench builds first), loaded when needed so that run.mjs can report a missing build. */
export const fromDist = (file) => import(new URL(`../dist/libs/${file}`, import.meta.url).href);

// Appends in flight at once. Each append is its own transaction and moves one counter row (contact_counts), so no two
// can deadlock; on 2 cores 4 keep both the database and this process busy.
export const SEED_CONCURRENCY = 4;
const PROGRESS_EVERY = 100_000;

/**
 * Creates the workspace `name` with its admins, data attributes and tag (the attributes and the tag through the
 * service's HTTP API), then `count` contacts, then VACUUM ANALYZE. Returns what the kept database records of it.
 */
export async function seedSearchWorkspace({ databaseUrl, serviceUrl, count, name, concurrency = SEED_CONCURRENCY }) {
  const { PostgresEventStore } = await fromDist('event-store/src/postgres-event-store.js');
  const { createContact } = await fromDist('contacts/src/domain/contact.aggregate.js');
  const { tagContact } = await fromDist('contacts/src/domain/contact-relations.aggregate.js');
  const { ContactRepository } = await fromDist('contacts/src/store/contact.repository.js');
  const { newObjectId } = await fromDist('intercom/src/object-id.js');
  const { WorkspacesService } = await fromDist('workspaces/src/workspaces.service.js');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency + 1, application_name: 'bench-search-seed', options: '-c synchronous_commit=off' });
  try {
    const workspaces = new WorkspacesService(pool, { tokenCacheMs: 0 });
    const workspace = await workspaces.create({ name });
    const workspaceId = workspace.workspace_id;
    const admins = [Number(workspace.admin.id)];
    for (let k = 1; k < ADMINS; k++) admins.push(Number((await workspaces.createAdmin(workspaceId, { name: `Owner ${k}`, email: `owner${k}@${workspaceId}.example` })).id));
    const request = apiClient(serviceUrl, workspace.access_token);
    for (const [attribute, dataType] of Object.entries(DATA_ATTRIBUTES)) {
      await request('POST', '/data_attributes', { name: attribute, model: 'contact', data_type: dataType });
    }
    const { json: tag } = await request('POST', '/tags', { name: TAG_NAME });
    const context = { dataAttributes: new Map(Object.entries(DATA_ATTRIBUTES)), admins: new Set(admins) };

    const now = Math.floor(Date.now() / 1000);
    const nextInput = contactInputs(count, { now, admins });
    const metadata = { actor: { type: 'system', id: 'bench-search-seed' }, request_id: null };
    const repository = new ContactRepository(pool, new PostgresEventStore(pool), null);
    const started = performance.now();
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < count && !failed) {
        // Drawn before any await, so contact i is the same in every run whatever the interleaving.
        const i = next++;
        const { createdAt, input, tagged } = nextInput();
        try {
          const id = newObjectId(createdAt * 1000);
          const events = createContact(id, workspaceId, input, { ...context, now: createdAt });
          // A tagged contact's ContactTagged goes in the same append as its ContactCreated (one round trip less);
          // the decision only reads the new contact's tag_ids, which are empty.
          if (tagged) events.push(...tagContact({ tag_ids: [] }, tag.id, null, { ...context, now: createdAt + 60 }));
          const saved = await repository.save({ workspaceId, id, state: null, version: 0, cached: false }, events, metadata);
          if (saved.version !== events.length || saved.state?.id !== id || saved.state.tag_ids.length !== Number(tagged)) {
            throw new Error(`seeding contact ${i}: the append answered ${JSON.stringify(saved).slice(0, 200)}`);
          }
        } catch (error) {
          failed = true;
          throw error;
        }
        if ((i + 1) % PROGRESS_EVERY === 0) console.log(`bench:   ${i + 1} of ${count} contacts (${Math.round((i + 1) / ((performance.now() - started) / 1000))}/s)`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;

    const analyzeStarted = performance.now();
    // VACUUM as well as ANALYZE: autovacuum would set the visibility map at a moment of its choosing, and the
    // count's index-only scans depend on it; this way every run measures the same settled tables.
    await pool.query('VACUUM (ANALYZE)');
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;
    return { workspaceId, token: workspace.access_token, contacts: count, seconds, perSecond: count / seconds, analyzeSeconds, now, tagId: tag.id, admins };
  } finally {
    await pool.end();
  }
}

/** The values the scenarios draw from, regenerated from the seed (the same for a kept workspace as for a new one). */
export function searchSamples(count, now) {
  const nextInput = contactInputs(count, { now });
  const emails = sampler(count);
  const externalIds = sampler(count);
  const phones = sampler(count);
  for (let i = 0; i < count; i++) {
    const { input } = nextInput();
    emails.add(i, input.email);
    externalIds.add(i, input.external_id);
    phones.add(i, input.phone);
  }
  return { emails: emails.values, externalIds: externalIds.values, phones: phones.values };
}
