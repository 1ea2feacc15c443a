// Encryption's cost: the GET and PUT scenarios against more service processes on the same database, as in production
// (personal values sealed with the contact's data key) or with ENCRYPTION_BENCH_DISABLE=true (new events stored in
// plain text), one process at a time so that none serves contacts another made stale.
// Then the projection rebuild over sealed events, beside the plain rebuild of the same run (rebuild.mjs).
import { randomBytes } from 'node:crypto';
import { startService } from './processes.mjs';
import { benchRebuild } from './rebuild.mjs';
import { scenario } from './scenarios.mjs';

const MEASURED = ['service GET /contacts/{id}', 'service PUT /contacts/{id}'];
// The bound: encryption costs at most a tenth of the throughput.
const MIN_RATIO = 0.9;

/**
 * Off, on, on, off, `cycles` times: each side as often before as after the other, so that the log's growth (PUT slows
 * as the read model's dead rows pile up) and the machine's drift favour neither. Each "on" row shows its ratio to the
 * "off" row of its round; the bound is on the whole: the sum of the "on" rows' requests/s over the sum of the "off"
 * rows', beside the CPU the service spent per request on each side (how the machine shares its cores aside).
 */
export async function benchEncryption({ databaseUrl, token, scenarios, measure, cycles = 2 }) {
  const order = Array.from({ length: cycles }, (_, c) => [['off', 2 * c + 1], ['on', 2 * c + 1], ['on', 2 * c + 2], ['off', 2 * c + 2]]).flat();
  const rows = { on: new Map(), off: new Map() };
  for (const [side, round] of order) {
    const env = side === 'off' ? { ENCRYPTION_BENCH_DISABLE: 'true' } : {};
    const logPath = new URL(`./results/service-encryption-${side}-${round}.log`, import.meta.url).pathname;
    const service = await startService({ databaseUrl, token, env, logPath });
    try {
      for (const name of MEASURED) {
        const base = scenarios.find((s) => s.name === name);
        const target = side === 'on' ? { compareWith: `${name}, encryption off (${round})` } : {};
        const result = await measure(scenario(`${name}, encryption ${side} (${round})`, base.options, { target: service, countEvents: base.countEvents, ...target }));
        rows[side].set(name, [...(rows[side].get(name) ?? []), result]);
      }
    } finally {
      await service.stop();
    }
  }
  const sum = (results, field) => results.reduce((total, r) => total + (r[field] ?? 0), 0);
  return MEASURED.map((name) => {
    const [on, off] = [rows.on.get(name), rows.off.get(name)];
    const ratio = sum(on, 'requestsPerSecond') / sum(off, 'requestsPerSecond');
    const cpu = (results) => sum(results, 'cpuMicrosPerRequest') / results.length;
    return { name, ratio, minRatio: MIN_RATIO, met: ratio >= MIN_RATIO, cpuMicrosOn: Math.round(cpu(on)), cpuMicrosOff: Math.round(cpu(off)), phases: on.length };
  });
}

/**
 * The rebuild over `events` events whose personal values are sealed (each contact with a data key of its own, wrapped
 * by a master key of this run), as rebuild.mjs measures the plain one.
 */
export async function benchSealedRebuild({ databaseUrl, events }) {
  const env = { ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  const { MasterKeyring, parseMasterKey } = await import('../dist/libs/event-store/src/crypto/master-keys.js');
  const { sealPersonal } = await import('../dist/libs/event-store/src/crypto/personal-data-codec.js');
  const { PERSONAL_DATA } = await import('../dist/libs/contacts/src/erasure/personal-data.js');
  const keyring = new MasterKeyring(parseMasterKey(env.ENCRYPTION_KEY, 'ENCRYPTION_KEY'));
  const seal = (client, rows) => sealRows(client, rows, keyring, sealPersonal, PERSONAL_DATA);
  return benchRebuild({ databaseUrl, events, label: 'sealed ', env, transform: seal });
}

/** Each contact's data key (es_data_keys) and its events' personal values sealed with it, as the codec writes them. */
async function sealRows(client, rows, keyring, sealPersonal, policy) {
  const keys = new Map();
  for (const row of rows) {
    if (keys.has(row.stream_id)) continue;
    keys.set(row.stream_id, { key: randomBytes(32), aad: Buffer.from(`${row.workspace_id}/${row.stream_id}`) });
  }
  const owners = [...keys.entries()];
  await client.query(
    `INSERT INTO es_data_keys (workspace_id, owner_id, master_key_id, wrapped_key)
     SELECT $1, owner, $2, wrapped FROM unnest($3::text[], $4::bytea[]) AS k(owner, wrapped)`,
    [rows[0].workspace_id, keyring.currentId, owners.map(([owner]) => owner), owners.map(([, k]) => keyring.wrap(k.key, k.aad))],
  );
  return rows.map((row) => {
    const { key, aad } = keys.get(row.stream_id);
    return { ...row, data: sealPersonal(row.data, policy, key, aad) };
  });
}

/**
 * The codec's own cost, in the bench process: one PUT's event (a name and a custom attribute changed) sealed and
 * opened, µs each, beside the plain copy the codec makes when encryption is off. Independent of the machine's load
 * in a way the HTTP rows are not: the same run's PUT rows differ by more than this between processes.
 */
export async function benchCodec({ iterations = 50_000 } = {}) {
  const { sealPersonal, openAll } = await import('../dist/libs/event-store/src/crypto/personal-data-codec.js');
  const { PERSONAL_DATA } = await import('../dist/libs/contacts/src/erasure/personal-data.js');
  const key = randomBytes(32);
  const aad = Buffer.from('bench-workspace/0123456789abcdef01234567');
  const event = { changes: { name: { from: 'Bench Contact 1', to: 'Bench Contact 2' }, custom_attributes: { plan: { from: 'free', to: 'pro' } } }, occurred_at: 1_764_200_000 };
  const time = (fn) => {
    for (let i = 0; i < 1000; i++) fn();
    const started = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    return ((performance.now() - started) * 1000) / iterations;
  };
  const sealed = sealPersonal(event, PERSONAL_DATA, key, aad);
  const result = {
    plainCopyMicros: time(() => JSON.parse(JSON.stringify(event))),
    sealMicros: time(() => sealPersonal(event, PERSONAL_DATA, key, aad)),
    openMicros: time(() => openAll(sealed, key, aad)),
  };
  console.log(`bench: codec: sealing a PUT's event ${result.sealMicros.toFixed(1)} µs, opening it ${result.openMicros.toFixed(1)} µs`);
  return result;
}
