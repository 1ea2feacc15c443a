// Seeds a workspace of its own with many contacts for the list/search scenarios, straight into the database but through
// the service's real write path from the build: Contact.create decides the ContactCreated event and
// ContactRepository.save appends it with PostgresEventStore and projects it inline, so es_streams, es_events and contacts
// hold exactly what POST /contacts would have written. Only the transaction differs: many appends share one.
import 'reflect-metadata';
import pg from 'pg';
import { apiClient } from './seed.mjs';

/** A module of the build (npm run bench builds first), loaded when needed so that run.mjs can report a missing build. */
export const fromDist = (file) => import(new URL(`../dist/libs/${file}`, import.meta.url).href);

/** custom_attributes.plan: a string attribute with a few values, skewed as plans are. */
export const PLAN_SHARES = { free: 0.55, starter: 0.25, pro: 0.15, enterprise: 0.05 };
export const SEATS_MAX = 1000;
const LEAD_SHARE = 0.1;
const BATCH = 500;
// Contacts are spread over about two years of creation times, one every STEP seconds, so created_at is realistic.
const STEP = 631;

const FIRST = ('olivia liam emma noah amelia oliver ava elijah sophia james isabella william mia benjamin charlotte lucas harper ' +
  'henry evelyn theodore luna jack camila levi gianna alexander elizabeth jackson eleanor mateo ella daniel abigail michael ' +
  'sofia mason avery sebastian scarlett ethan emily logan aria owen penelope samuel chloe jacob layla asher mila aiden nora').split(' ');
const LAST = ('smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson ' +
  'thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king ' +
  'wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts').split(' ');
const COMPANIES = ('acme globex initech umbrella hooli vandelay stark wayne wonka tyrell cyberdyne soylent massive aperture ' +
  'gringotts oscorp monarch pied piper dunder').split(' ');
const FREE_MAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com'];
const TLDS = ['com', 'io', 'net', 'co.uk', 'de'];

/** A small seeded generator, so every run seeds the same data (ids and times aside). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function contactInput(i, random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const first = pick(FIRST);
  const last = pick(LAST);
  const domain = random() < 0.4 ? pick(FREE_MAIL) : `${pick(COMPANIES)}${Math.floor(random() * 50)}.${pick(TLDS)}`;
  const lead = random() < LEAD_SHARE;
  let plan = 'free';
  for (let r = random(), acc = 0, k = 0, names = Object.keys(PLAN_SHARES); k < names.length; k++) {
    acc += PLAN_SHARES[names[k]];
    if (r < acc) {
      plan = names[k];
      break;
    }
  }
  const custom = { plan };
  if (random() < 0.8) custom.seats = 1 + Math.floor(random() * SEATS_MAX);
  return {
    role: lead ? 'lead' : 'user',
    // The index keeps emails unique among users, as the service requires.
    email: `${first}.${last}${i}@${domain}`,
    external_id: lead ? null : `cus_${i.toString(36).padStart(4, '0')}${Math.floor(random() * 0xffff).toString(16).padStart(4, '0')}`,
    name: `${first[0].toUpperCase()}${first.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}`,
    custom_attributes: custom,
  };
}

/**
 * Creates the workspace `bench-search` with the data attributes plan (string) and seats (integer), through the
 * service's HTTP API, then `count` contacts `concurrency` transactions at a time, then VACUUM ANALYZE.
 * Returns what the scenarios draw their values from.
 */
// One transaction at a time: each holds hundreds of appends, and each append moves one of the workspace's counter rows
// (contact_counts), chosen at random; concurrent transactions of many appends would lock those rows in opposite orders.
export async function seedSearchWorkspace({ databaseUrl, serviceUrl, count, concurrency = 1 }) {
  const { PostgresEventStore } = await fromDist('event-store/src/postgres-event-store.js');
  const { createContact } = await fromDist('contacts/src/domain/contact.aggregate.js');
  const { ContactRepository } = await fromDist('contacts/src/store/contact.repository.js');
  const { newObjectId } = await fromDist('intercom/src/object-id.js');
  const { WorkspacesService } = await fromDist('workspaces/src/workspaces.service.js');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency + 1, application_name: 'bench-search-seed' });
  try {
    const workspace = await new WorkspacesService(pool).create({ name: 'bench-search' });
    const workspaceId = workspace.workspace_id;
    const request = apiClient(serviceUrl, workspace.access_token);
    await request('POST', '/data_attributes', { name: 'plan', model: 'contact', data_type: 'string' });
    await request('POST', '/data_attributes', { name: 'seats', model: 'contact', data_type: 'integer' });
    const dataAttributes = new Map([['plan', 'string'], ['seats', 'integer']]);

    const random = prng(20_251_127);
    const inputs = Array.from({ length: count }, (_, i) => contactInput(i, random));
    const firstCreatedAt = Math.floor(Date.now() / 1000) - count * STEP;
    const metadata = { actor: { type: 'system', id: 'bench-search-seed' }, request_id: null };
    const store = new PostgresEventStore(pool);

    const started = performance.now();
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < count && !failed) {
        const from = next;
        const to = (next = Math.min(count, from + BATCH));
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          // ContactRepository.save as the service runs it, with its appends sent through this transaction.
          const repository = new ContactRepository(pool, { append: (appendRequest) => store.append(appendRequest, client) }, null);
          for (let i = from; i < to; i++) {
            const now = firstCreatedAt + i * STEP;
            const id = newObjectId(now * 1000);
            const events = createContact(id, workspaceId, inputs[i], { now, dataAttributes, admins: new Set() });
            const saved = await repository.save({ workspaceId, id, state: null, version: 0, cached: false }, events, metadata);
            if (saved.version !== 1 || saved.state?.id !== id) throw new Error(`seeding contact ${i}: the append answered ${JSON.stringify(saved).slice(0, 200)}`);
          }
          await client.query('COMMIT');
        } catch (error) {
          failed = true;
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;

    const analyzeStarted = performance.now();
    // VACUUM as well as ANALYZE: autovacuum would set the visibility map at a moment of its choosing, and the
    // count's index-only scans depend on it; this way every run measures the same settled table.
    await pool.query('VACUUM (ANALYZE) contacts, es_events, es_streams');
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;

    const users = inputs.filter((input) => input.role === 'user');
    return {
      workspaceId,
      token: workspace.access_token,
      contacts: count,
      seconds,
      perSecond: count / seconds,
      analyzeSeconds,
      emails: inputs.map((input) => input.email),
      externalIds: users.map((input) => input.external_id),
    };
  } finally {
    await pool.end();
  }
}
