import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../database.js';
import { IdempotencyKeys1764200001020 } from '../migrations/1764200001020-idempotency-keys.js';
import { IdempotencyKeyStreams1764200001060 } from '../migrations/1764200001060-idempotency-key-streams.js';
import { PostgresEventStore } from '../postgres-event-store.js';
import { type IdempotencyClaim, nameInIdempotentAnswer, runWithIdempotencyClaim } from './idempotency-context.js';
import { DEFAULT_IDEMPOTENCY_TIMES, IdempotencyKeys, eraseStoredAnswers, storedAnswersErasure } from './idempotency-keys.js';

let pool: pg.Pool;
let keys: IdempotencyKeys;
let store: PostgresEventStore;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 4 });
  keys = new IdempotencyKeys(pool, DEFAULT_IDEMPOTENCY_TIMES);
  store = new PostgresEventStore(pool);
});
afterAll(() => pool.end());

const workspace = () => `ws-idem-${randomBytes(4).toString('hex')}`;

/** A claimed key of the workspace, as the interceptor holds it while its request runs. */
async function claimed(workspaceId: string): Promise<IdempotencyClaim> {
  const claim = { workspaceId, key: randomUUID(), owner: randomUUID(), applied: false, active: true };
  expect(await keys.claim(workspaceId, claim.key, 'fingerprint', claim.owner)).toBe(true);
  return claim;
}

const append = (claim: IdempotencyClaim, streamId: string) =>
  runWithIdempotencyClaim(claim, () =>
    store.append({
      workspaceId: claim.workspaceId,
      streamId,
      streamType: 'test',
      expectedVersion: 0,
      events: [{ type: 'Tested', data: {} }],
      metadata: { actor: { type: 'system', id: 'test' }, request_id: null },
    }),
  );

const namedStreams = async (claim: IdempotencyClaim) =>
  (await pool.query('SELECT stream_id FROM idempotency_key_streams WHERE workspace_id = $1 AND key = $2 ORDER BY 1', [claim.workspaceId, claim.key])).rows.map((row) => row.stream_id);

const stored = async (claim: IdempotencyClaim) => keys.find(claim.workspaceId, claim.key);

describe('the streams an idempotency key names', () => {
  it('are those its appends wrote, recorded in the append statement, and those it named without writing, recorded with its answer', async () => {
    const claim = await claimed(workspace());
    const [a, b, named] = [`s-${randomUUID()}`, `s-${randomUUID()}`, `s-${randomUUID()}`];
    await append(claim, a);
    await append(claim, b);
    expect(await namedStreams(claim)).toEqual([a, b].sort());
    runWithIdempotencyClaim(claim, () => nameInIdempotentAnswer(named));
    await keys.answer(claim, { status: 200, contentType: 'application/json', body: '{"ok":true}' });
    expect(await namedStreams(claim)).toEqual([a, b, named].sort());
    expect((await stored(claim))?.body).toBe('{"ok":true}');
  });

  it('keeps no answer that names a stream erased while the request ran (its data key is a tombstone)', async () => {
    const claim = await claimed(workspace());
    const contact = `c-${randomUUID()}`;
    runWithIdempotencyClaim(claim, () => nameInIdempotentAnswer(contact));
    await pool.query('INSERT INTO es_data_keys (workspace_id, owner_id, erased_at) VALUES ($1, $2, now())', [claim.workspaceId, contact]);
    await keys.answer(claim, { status: 200, contentType: 'application/json', body: `{"id":"${contact}"}` });
    expect(await stored(claim)).toMatchObject({ answered: true, body: null });
  });

  it('keeps no answer stored after an erasure of a stream its request wrote: the erasure answered for it', async () => {
    const claim = await claimed(workspace());
    const contact = `c-${randomUUID()}`;
    await append(claim, contact);
    expect(await eraseStoredAnswers(pool, claim.workspaceId, [contact])).toBe(1);
    await keys.answer(claim, { status: 200, contentType: 'application/json', body: `{"id":"${contact}","email":"late@example.com"}` });
    expect(await stored(claim)).toMatchObject({ applied: true, answered: true, body: null });
  });

  it('are forgotten when the key is taken again after it expired, and go with the key when it is swept', async () => {
    const claim = await claimed(workspace());
    await append(claim, `s-${randomUUID()}`);
    await keys.answer(claim, { status: 200, contentType: 'application/json', body: '{}' });
    await pool.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE workspace_id = $1 AND key = $2`, [claim.workspaceId, claim.key]);
    expect(await keys.claim(claim.workspaceId, claim.key, 'fingerprint', randomUUID())).toBe(true);
    expect(await namedStreams(claim)).toEqual([]);
    const swept = await claimed(workspace());
    await append(swept, `s-${randomUUID()}`);
    await pool.query('DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2', [swept.workspaceId, swept.key]);
    expect(await namedStreams(swept)).toEqual([]);
  });

  it('are how the erasure finds the answers: an index read of the named ones, no scan of the workspace keys', async () => {
    const workspaceId = workspace();
    // A busy workspace: 20,000 stored answers, each naming its own stream, and three naming the erased contact.
    await pool.query(
      `WITH k AS (
         INSERT INTO idempotency_keys (workspace_id, key, fingerprint, owner, locked_until, expires_at, applied_at, answered_at, status, body)
         SELECT $1, 'k' || n, 'f', gen_random_uuid(), now(), now() + interval '1 day', now(), now(), 200, repeat('x', 200) || n
           FROM generate_series(1, 20000) n RETURNING key)
       INSERT INTO idempotency_key_streams (workspace_id, stream_id, key) SELECT $1, 's' || substr(key, 2), key FROM k`,
      [workspaceId],
    );
    await pool.query(`INSERT INTO idempotency_key_streams (workspace_id, stream_id, key) VALUES ($1, 'erased', 'k7'), ($1, 'erased', 'k70'), ($1, 'erased:events', 'k700')`, [workspaceId]);
    await pool.query('ANALYZE idempotency_keys');
    await pool.query('ANALYZE idempotency_key_streams');
    const values: unknown[] = [];
    const statement = storedAnswersErasure(workspaceId, ['erased', 'erased:events'], (value) => `$${values.push(value)}`);
    const { rows } = await pool.query(`EXPLAIN (FORMAT JSON) WITH stream AS (SELECT 1) ${statement}`, values);
    const nodes = planNodes(rows[0]['QUERY PLAN'][0].Plan);
    expect(nodes.filter((node) => node['Node Type'].includes('Seq Scan'))).toEqual([]);
    expect(nodes).toContainEqual(expect.objectContaining({ 'Node Type': expect.stringMatching(/^Index (Only )?Scan$/), 'Relation Name': 'idempotency_key_streams' }));
    // Each named key by its primary key, not the workspace's keys read through its prefix.
    expect(nodes).toContainEqual(expect.objectContaining({ 'Relation Name': 'idempotency_keys', 'Index Name': 'idempotency_keys_pkey', 'Index Cond': expect.stringContaining('(key = idempotency_key_streams.key)') }));
    expect(await eraseStoredAnswers(pool, workspaceId, ['erased', 'erased:events'])).toBe(3);
    const { rows: emptied } = await pool.query('SELECT key FROM idempotency_keys WHERE workspace_id = $1 AND body IS NULL ORDER BY key', [workspaceId]);
    expect(emptied.map((row) => row.key)).toEqual(['k7', 'k70', 'k700']);
  });
});

type PlanNode = Record<string, string> & { Plans?: PlanNode[] };
const planNodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(planNodes)];

describe('migration 1060 on keys stored before it', () => {
  const server = new URL(inject('databaseUrl'));
  const name = `idem_mig_${randomBytes(4).toString('hex')}`;
  const url = new URL(server);
  url.pathname = `/${name}`;
  let own: pg.Pool;

  beforeAll(async () => {
    await pool.query(`CREATE DATABASE ${name}`);
    await migrate({ url: url.toString(), migrations: [IdempotencyKeys1764200001020] });
    own = new pg.Pool({ connectionString: url.toString(), max: 2 });
  });
  afterAll(async () => {
    await own?.end();
    await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('records their last stream and the contacts of their answers, in batches, and reads a body that is not JSON as naming nothing', async () => {
    const row = (key: string, streamId: string | null, body: string | null, contentType = 'application/json; charset=utf-8') => [key, streamId, body, contentType];
    const legacy = [
      row('put', 'c1', '{"type":"contact","id":"c1","email":"a@example.com","tags":{"type":"list","data":[{"type":"tag","id":"t1"}]}}'),
      // A merge's last append was the lead's; its answer is the user.
      row('merge', 'lead1', '{"type":"contact","id":"user1","email":"u@example.com"}'),
      row('note', 'c2', '{"type":"note","id":"n1","contact":{"type":"contact","id":"c2"},"body":"<p>x</p>"}'),
      row('no-op', null, '{"type":"contact","id":"c3","name":"same"}'),
      row('error', null, '{"type":"error.list","errors":[{"code":"not_found","message":"User Not Found"}]}'),
      row('broken', null, '{"type":"contact","id":"c4"'),
      row('text', null, 'c5', 'text/plain'),
      row('lost', 'c6', null),
    ];
    // Past one batch of the backfill.
    for (let n = 0; n < 1200; n++) legacy.push(row(`bulk-${String(n).padStart(4, '0')}`, `b${n}`, null));
    await own.query(
      `INSERT INTO idempotency_keys (workspace_id, key, fingerprint, owner, locked_until, expires_at, applied_at, stream_id, answered_at, status, content_type, body)
       SELECT 'w1', r->>0, 'f', gen_random_uuid(), now(), now() + interval '1 day', now(), r->>1, now(), 200, r->>3, r->>2
         FROM jsonb_array_elements($1::jsonb) r`,
      [JSON.stringify(legacy)],
    );
    await migrate({ url: url.toString(), migrations: [IdempotencyKeys1764200001020, IdempotencyKeyStreams1764200001060] });
    const { rows } = await own.query(`SELECT key, array_agg(stream_id ORDER BY stream_id) AS streams FROM idempotency_key_streams WHERE key NOT LIKE 'bulk-%' GROUP BY key ORDER BY key`);
    expect(rows).toEqual([
      { key: 'lost', streams: ['c6'] },
      { key: 'merge', streams: ['lead1', 'user1'] },
      { key: 'no-op', streams: ['c3'] },
      { key: 'note', streams: ['c2'] },
      { key: 'put', streams: ['c1'] },
    ]);
    expect((await own.query(`SELECT count(*)::int AS n FROM idempotency_key_streams WHERE key LIKE 'bulk-%'`)).rows[0].n).toBe(1200);
  });
});
