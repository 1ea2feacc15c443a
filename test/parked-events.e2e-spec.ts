import { type ParkedEvent, listParked } from '@app/event-store';
import { LogProcessorsRunner } from '@app/processors';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../apps/contacts-api/src/cli-commands.js';
import { NatsProbe, uniqueTarget } from './support/nats.js';
import { OwnNatsServer, findNatsServer } from './support/nats-server.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// The relay runs against a nats-server of the test's own with a small max_payload; the retry goes
// to the machine's NATS (NATS_URL), whose default max_payload (1 MB) takes the event.
const NATS_URL = process.env.NATS_URL;
const NATS_SERVER = findNatsServer();
const skipped = !NATS_URL ? 'NATS_URL is unset' : !NATS_SERVER ? 'no nats-server binary on PATH or in /usr/sbin' : undefined;
if (skipped) console.log(`parked-events.e2e-spec: SKIPPED, ${skipped}`);

const MAX_PAYLOAD = 2048;
// Ten string attributes of 250 characters: far inside any per-value or per-contact limit, and their
// ContactUpdated diff is still larger than MAX_PAYLOAD in its relay envelope.
const ATTRIBUTES = Array.from({ length: 10 }, (_, i) => `long_${i}`);

describe.skipIf(skipped)('a poison event on the NATS relay', () => {
  const target = uniqueTarget();
  const relayName = `nats-relay:${target.stream}`;
  let small: OwnNatsServer;
  let t: TestApp;
  let smallProbe: NatsProbe;
  let probe: NatsProbe;
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { DATABASE_URL: inject('databaseUrl'), ...env });

  beforeAll(async () => {
    small = await OwnNatsServer.start(NATS_SERVER!, { max_payload: MAX_PAYLOAD });
    t = await startTestApp({ WORKERS: 'inline', NATS_URL: small.url, NATS_STREAM: target.stream, NATS_SUBJECT_PREFIX: target.prefix });
    smallProbe = await NatsProbe.connect(small.url);
    probe = await NatsProbe.connect(NATS_URL!);
  });
  afterAll(async () => {
    await t?.close();
    await smallProbe?.close([]);
    await probe?.close([target.stream]);
    await small?.stop();
  });

  const workspace = async () => {
    const { workspace_id, access_token } = await t.newWorkspace();
    const api = async (method: 'post' | 'put', path: string, body: object) =>
      (await request(t.baseUrl)[method](path).set({ Authorization: `Bearer ${access_token}` }).send(body).expect(200)).body;
    return { id: workspace_id, api };
  };
  const eventOf = async (workspaceId: string, type: string) =>
    (await t.pool.query('SELECT event_id FROM es_events WHERE workspace_id = $1 AND event_type = $2 ORDER BY global_position', [workspaceId, type])).rows.map((r) => r.event_id);
  const relayedIds = async (p: NatsProbe, workspaceId: string) => (await p.read(target.stream, `${target.prefix}.${workspaceId}.`)).map((m) => m.msgId);

  it('parks the event NATS refuses, relays another workspace written after it, holds its contact, and a retry delivers both', async () => {
    const big = await workspace();
    for (const name of ATTRIBUTES) await big.api('post', '/data_attributes', { name, model: 'contact', data_type: 'string' });
    const contact = await big.api('post', '/contacts', { email: 'poison@example.com' });
    await big.api('put', `/contacts/${contact.id}`, { custom_attributes: Object.fromEntries(ATTRIBUTES.map((name, i) => [name, `${i}`.repeat(250)])) });
    await big.api('put', `/contacts/${contact.id}`, { name: 'After the big one' });
    const other = await workspace();
    await other.api('post', '/contacts', { email: 'unaffected@example.com' });

    const [created, bigUpdate, nameUpdate] = [...(await eventOf(big.id, 'ContactCreated')), ...(await eventOf(big.id, 'ContactUpdated'))];
    const [otherCreated] = await eventOf(other.id, 'ContactCreated');
    const subscription = t.app.get(LogProcessorsRunner).get(relayName)!;
    let parked: ParkedEvent[] = [];
    for (let deadline = Date.now() + 30_000; (parked = (await listParked(t.pool, relayName)).filter((p) => p.workspace_id === big.id)).length < 2 || !(await relayedIds(smallProbe, other.id)).length; ) {
      if (Date.now() > deadline) throw new Error('the relay neither parked the event nor relayed the other workspace');
      await subscription.drain();
    }

    // The other workspace's event, written after the poison one, reached NATS; so did the contact's first event.
    expect(await relayedIds(smallProbe, other.id)).toEqual([otherCreated]);
    expect(await relayedIds(smallProbe, big.id)).toEqual([created]);
    // The refused event is parked with why, and the contact's next event waits behind it: order per contact holds.
    const listed = (await cli(['processors', 'parked'])) as ParkedEvent[];
    // Tests run side by side on one database: this relay also sees (and may park) other files' events.
    const mine = listed.filter((p) => p.processor === relayName && p.workspace_id === big.id);
    expect(mine.map((p) => [p.event_id, p.event_type, p.workspace_id, p.stream_id, p.held_behind, p.attempts])).toEqual([
      [bigUpdate, 'ContactUpdated', big.id, contact.id, null, 1],
      [nameUpdate, 'ContactUpdated', big.id, contact.id, bigUpdate, 1],
    ]);
    expect(mine[0].error).toMatch(/^PoisonEventError: NATS refused event .* bytes in its relay envelope\): .*max_payload size exceeded/);
    expect(mine[0].error).not.toContain('0'.repeat(250));

    // The cause gone (a NATS with the default max_payload): the retry delivers both, in the contact's order.
    const outcome = (await cli(['processors', 'retry', String(mine[0].id)], { NATS_URL: NATS_URL!, NATS_STREAM: target.stream, NATS_SUBJECT_PREFIX: target.prefix })) as Record<string, any>;
    expect(outcome.delivered.map((d: { event_id: string }) => d.event_id)).toEqual([bigUpdate, nameUpdate]);
    expect(outcome.still_parked).toEqual([]);
    const delivered = await probe.read(target.stream, `${target.prefix}.${big.id}.`);
    expect(delivered.map((m) => [m.msgId, m.envelope.stream_position])).toEqual([[bigUpdate, 2], [nameUpdate, 3]]);
    expect(JSON.stringify(delivered[0].envelope.data)).toContain('9'.repeat(250));
    expect((await listParked(t.pool, relayName)).filter((p) => p.workspace_id === big.id)).toEqual([]);
  }, 60_000);
});
