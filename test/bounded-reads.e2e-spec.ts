import { type ContactEvent, type ContactState, SNAPSHOT_EVERY, rebuildContactProjections } from '@app/contacts';
import { PostgresEventStore, type StoredEvent } from '@app/event-store';
import { DEFAULT_WEBHOOK_OPTIONS, WebhookNotifier } from '@app/webhooks';
import type { CreatedWorkspace } from '@app/workspaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_APPLICATIONS_FROM_LOG } from '../libs/contacts/src/store/migrations/1764200000600-contact-snapshots.js';
import { type Client, type Json, api } from './support/api.js';
import { writeLongStream } from './support/long-stream.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const EVENTS = 2000;
const PER_PAGE = 50;
const BATCH = 50;
const SCATTERED = [150, 1051, 1999];

/**
 * A contact with 2,000 events: every read of its past reads a bounded number of events, counted where
 * every read passes, the event store's decoder; without snapshots the same reads answer the same.
 */
describe('bounded reads of a long contact stream', () => {
  let t: TestApp;
  let ws: CreatedWorkspace;
  let as: Client;
  let store: PostgresEventStore;
  let contactId: string;
  let tags: Record<'a' | 'b', string>;
  let decoded = 0;
  /** Events occur one second apart, long ago: event p occurred at base + p. */
  const base = Math.floor(Date.now() / 1000) - 100_000;

  /** What `read` answers, and how many events the event store decoded meanwhile. */
  async function counted<T>(read: () => Promise<T>): Promise<{ answer: T; read: number }> {
    decoded = 0;
    const answer = await read();
    return { answer, read: decoded };
  }

  /** Event p (2 to EVENTS - 1) of the stream: renames, and a few tag and lifecycle changes among them. */
  function eventAt(p: number, before: ContactState): ContactEvent {
    const at = base + p;
    if (p === 10) return { type: 'ContactTagged', data: { tag_id: tags.a, admin_id: ws.admin.id, occurred_at: at } };
    if (p === 500) return { type: 'ContactTagged', data: { tag_id: tags.b, admin_id: null, occurred_at: at } };
    if (p === 700) return { type: 'ContactUntagged', data: { tag_id: tags.a, occurred_at: at } };
    if (p === 1200) return { type: 'ContactTagged', data: { tag_id: tags.a, admin_id: ws.admin.id, occurred_at: at } };
    if (p === 1300) return { type: 'ContactArchived', data: { occurred_at: at } };
    if (p === 1301) return { type: 'ContactUnarchived', data: { occurred_at: at } };
    return { type: 'ContactUpdated', data: { changes: { name: { from: before.name, to: `n${p}` } }, occurred_at: at } };
  }

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.newWorkspace('long');
    as = api(t).as(ws);
    store = t.app.get(PostgresEventStore);
    const decode = store.toStoredEvents.bind(store);
    store.toStoredEvents = (rows) => {
      decoded += rows.length;
      return decode(rows);
    };
    tags = { a: (await as.ok.tags.save({ name: 'A' })).id, b: (await as.ok.tags.save({ name: 'B' })).id };
    // Subscribed before the events, so that the notifier wants every one of them.
    await as.ok.webhooks.subscribe('http://127.0.0.1:9/hooks', ['contact.user.updated']);

    // In appends of 37 events, which cross snapshot versions mid-append; the last event goes through the API.
    contactId = await writeLongStream(t, ws.workspace_id, { count: EVENTS - 1, createdAt: base + 1, eventAt });
    await as.ok.contacts.update(contactId, { name: 'last' });
  });
  afterAll(() => t?.close());

  /** Every history page (following the API's cursors), as_of in the middle, and a notifier batch over the last events. */
  async function readAll() {
    const pages: { answer: Json; read: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await counted(() => as.ok.contacts.history(contactId, { per_page: PER_PAGE, ...(cursor ? { starting_after: cursor } : {}) }));
      pages.push(page);
      cursor = page.answer.pages.next?.starting_after;
    } while (cursor);
    const asOf = await counted(() => as.ok.get(`/contacts/${contactId}?as_of=${base + 1234}`));
    const early = await counted(() => as.ok.get(`/contacts/${contactId}?as_of=${base + 42}`));
    const last = await store.readStreamRange(ws.workspace_id, contactId, EVENTS - BATCH + 1, EVENTS);
    const notified = await counted(() => notifierBatch(last));
    // Events of one contact far apart in one batch (as a retry of parked events could give): each folds from its own snapshot.
    const apart = (await Promise.all(SCATTERED.map((p) => store.readStreamRange(ws.workspace_id, contactId, p, p)))).flat();
    const scattered = await counted(() => notifierBatch(apart));
    return { pages, asOf, early, notified, scattered };
  }

  /** The webhook notifier's work on one batch, in a transaction rolled back after: the deliveries it queued. */
  async function notifierBatch(events: StoredEvent[]) {
    const notifier = new WebhookNotifier(store, DEFAULT_WEBHOOK_OPTIONS);
    const tx = await t.pool.connect();
    try {
      await tx.query('BEGIN');
      await notifier.handle(events, tx);
      const { rows } = await tx.query('SELECT topic, event_id, item FROM webhook_deliveries WHERE workspace_id = $1 ORDER BY id', [ws.workspace_id]);
      return rows;
    } finally {
      await tx.query('ROLLBACK');
      tx.release();
    }
  }

  const snapshotRows = async () =>
    (await t.pool.query('SELECT version, state FROM contact_snapshots WHERE workspace_id = $1 AND contact_id = $2 ORDER BY version', [ws.workspace_id, contactId])).rows;

  function expectBounded(reads: Awaited<ReturnType<typeof readAll>>) {
    for (const page of reads.pages) expect(page.read).toBeLessThanOrEqual(SNAPSHOT_EVERY + PER_PAGE);
    expect(reads.asOf.read).toBeLessThanOrEqual(SNAPSHOT_EVERY);
    expect(reads.early.read).toBeLessThanOrEqual(SNAPSHOT_EVERY);
    expect(reads.notified.read).toBeLessThanOrEqual(SNAPSHOT_EVERY + BATCH);
    expect(reads.scattered.read).toBeLessThanOrEqual(SCATTERED.length * SNAPSHOT_EVERY);
  }
  const answers = (reads: Awaited<ReturnType<typeof readAll>>) => ({
    pages: reads.pages.map((page) => page.answer),
    asOf: reads.asOf.answer,
    early: reads.early.answer,
    notified: reads.notified.answer.map(({ topic, event_id, item }) => ({ topic, event_id, item })),
    scattered: reads.scattered.answer.map(({ topic, event_id, item }) => ({ topic, event_id, item })),
  });

  it('reads a bounded number of events for history pages, as_of and a notifier batch, and answers as a fold from the start does', async () => {
    const bounded = await readAll();
    expectBounded(bounded);
    const items = bounded.pages.flatMap((page) => page.answer.data);
    expect(items.map((item: Json) => item.version)).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    expect(bounded.pages[0].answer).toMatchObject({ total_count: EVENTS, pages: { page: 1, per_page: PER_PAGE, total_pages: EVENTS / PER_PAGE } });
    expect(items[1233]).toMatchObject({ version: 1234, event_type: 'ContactUpdated', occurred_at: base + 1234, changes: { name: { from: 'n1233', to: 'n1234' } } });
    expect(items[1299]).toMatchObject({ event_type: 'ContactArchived', changes: { archived: { from: false, to: true } } });
    expect(items[EVENTS - 1]).toMatchObject({ changes: { name: { from: `n${EVENTS - 1}`, to: 'last' } } });
    expect(bounded.asOf.answer).toMatchObject({ id: contactId, name: 'n1234', updated_at: base + 1234, tags: { data: [{ id: tags.b }, { id: tags.a }] } });
    expect(bounded.early.answer).toMatchObject({ name: 'n42', tags: { data: [{ id: tags.a }] } });
    expect(bounded.notified.answer).toHaveLength(BATCH);
    expect(bounded.notified.answer[BATCH - 1].item).toMatchObject({ id: contactId, name: 'last' });
    expect(bounded.notified.answer[0].item).toMatchObject({ name: `n${EVENTS - BATCH + 1}` });
    expect(bounded.scattered.answer.map((row) => row.item.name)).toEqual(SCATTERED.map((p) => `n${p}`));

    // A contact written before snapshots existed: the same answers, folded from the start.
    const written = await snapshotRows();
    expect(written.map((row) => row.version)).toEqual(Array.from({ length: EVENTS / SNAPSHOT_EVERY }, (_, i) => (i + 1) * SNAPSHOT_EVERY));
    await t.pool.query('DELETE FROM contact_snapshots WHERE workspace_id = $1', [ws.workspace_id]);
    const unbounded = await readAll();
    expect(answers(unbounded)).toEqual(answers(bounded));
    expect(unbounded.pages[unbounded.pages.length - 1].read).toBe(EVENTS);
    expect(unbounded.asOf.read).toBeGreaterThan(1234);

    // The rebuild writes the snapshots back, as the append statement wrote them.
    await rebuild();
    expect(await snapshotRows()).toEqual(written);
    const rebuilt = await readAll();
    expectBounded(rebuilt);
    expect(answers(rebuilt)).toEqual(answers(bounded));
  });

  it('answers tag reads and tag writes from the tag applications the projection keeps, reading no event', async () => {
    const listed = await counted(() => as.ok.tags.of(contactId));
    expect(listed.read).toBe(0);
    expect(listed.answer.data).toEqual([
      expect.objectContaining({ id: tags.b, applied_at: base + 500, applied_by: null }),
      expect.objectContaining({ id: tags.a, applied_at: base + 1200, applied_by: { type: 'admin', id: String(ws.admin.id) } }),
    ]);
    const untagged = await counted(() => as.ok.tags.detach(contactId, tags.a));
    expect(untagged).toMatchObject({ read: 0, answer: { id: tags.a, applied_at: base + 1200 } });
    const tagged = await counted(() => as.ok.tags.attach(contactId, { id: tags.a }));
    expect(tagged.read).toBe(0);
    expect(tagged.answer.applied_at).toBeGreaterThan(base + EVENTS);
  });

  it('backfills tag applications from the log as the projection writes them: tags, untags, merges', async () => {
    const user = await as.ok.contacts.create({ email: 'merge-target@example.com' });
    const lead = await as.ok.contacts.create({ role: 'lead', name: 'Lead' });
    const c = (await as.ok.tags.save({ name: 'C' })).id;
    await as.ok.tags.attach(user.id, { id: tags.a });
    await as.ok.tags.attach(user.id, { id: tags.b });
    await as.ok.tags.detach(user.id, tags.b);
    for (const id of [tags.a, tags.b, c]) await as.ok.tags.attach(lead.id, { id });
    await as.ok.contacts.merge({ from: lead.id, into: user.id });
    const kept = async () =>
      (await t.pool.query('SELECT * FROM contact_tag_applications WHERE workspace_id = $1 ORDER BY contact_id, tag_id', [ws.workspace_id])).rows;
    const fromLog = (await t.pool.query(`SELECT * FROM (${TAG_APPLICATIONS_FROM_LOG}) a WHERE workspace_id = $1 ORDER BY contact_id, tag_id`, [ws.workspace_id])).rows;
    const projected = await kept();
    // Tagged through the API, a tag is applied by the workspace's first admin; brought over by a merge, by nobody.
    expect(projected.filter((row) => row.contact_id === user.id).map((row) => [row.tag_id, row.admin_id === null])).toEqual(
      [[tags.a, false], [tags.b, true], [c, true]].sort(),
    );
    expect(fromLog).toEqual(projected);
    await rebuild();
    expect(await kept()).toEqual(projected);
  });

  /** The rebuild, waiting its turn: another test file may be running one. */
  async function rebuild() {
    for (let attempt = 0; ; attempt++) {
      try {
        return await rebuildContactProjections(t.pool, store);
      } catch (error) {
        if (!String(error).includes('another projection rebuild is running') || attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
});
