import { describe, expect, it } from 'vitest';
import { archived, created, deleted, erased, fold, mergedFrom, mergedInto, noteAdded, stateOf, tagged, untagged, updated } from '../domain/contact.fixtures.js';
import { COUNTER_SLOTS, type ReadModelChange, SNAPSHOT_EVERY, inlineProjection, projectEvents } from './read-model.projection.js';

const COUNT_DOWN =
  `INSERT INTO contact_counts (workspace_id, slot, visible) SELECT "w1", floor(random() * ${COUNTER_SLOTS})::smallint, -1::bigint FROM stream ` +
  'ON CONFLICT (workspace_id, slot) DO UPDATE SET visible = contact_counts.visible + EXCLUDED.visible';

const nothing = { notes: [], notesMovedFrom: [], merges: [], tagApplications: [], snapshots: [], erased: false };

describe('projectEvents', () => {
  it('keeps a created contact live with its folded state', () => {
    const events = [created(), tagged('t1', 1100, 7)];
    expect(projectEvents(null, 0, events)).toEqual({ state: fold(events), live: true, ...nothing, visibleDelta: 1, tagApplications: [{ tag_id: 't1', applied_at: 1100, admin_id: 7 }] });
  });

  it('folds from the state given, and a later change leaves the contact live', () => {
    const before = stateOf(created(), tagged('t1', 1500));
    expect(projectEvents(before, 2, [archived()])).toEqual({ state: stateOf(created(), tagged('t1', 1500), archived()), live: true, ...nothing, visibleDelta: -1 });
    expect(before.archived).toBe(false);
  });

  it('answers the state given when there is nothing to fold, and no state for no stream', () => {
    const before = stateOf(created());
    expect(projectEvents(before, 1, [])).toEqual({ state: before, live: true, ...nothing, visibleDelta: 0 });
    expect(projectEvents(null, 0, [])).toEqual({ state: null, live: false, ...nothing, visibleDelta: 0 });
  });

  it('takes a deleted contact out of the read model', () => {
    const change = projectEvents(stateOf(created()), 1, [deleted()]);
    expect(change).toMatchObject({ live: false, ...nothing });
    expect(change.state?.deleted).toBe(true);
    expect(projectEvents(stateOf(created(), deleted(1500)), 2, [archived()]).live).toBe(false);
  });

  it('takes an erased contact out, and writes none of its rows, whatever its events did', () => {
    const change = projectEvents(stateOf(created(), noteAdded('n1')), 2, [erased(7)]);
    expect(change).toMatchObject({ ...nothing, live: false, erased: true, visibleDelta: -1 });
    expect(change.state).toMatchObject({ erased: true, email: '[erased]' });
    // A replay of the whole stream (the rebuild) agrees: no note, no tag application, no merge row, no snapshot.
    const lead = created({ contact_id: 'lead', role: 'lead' });
    const events = [lead, noteAdded('n1'), tagged('t1'), mergedInto('user', 3000), ...Array.from({ length: SNAPSHOT_EVERY }, (_, i) => archived(3001 + i)), erased()];
    expect(projectEvents(null, 0, events)).toMatchObject({ ...nothing, live: false, erased: true, visibleDelta: 0 });
  });

  it('takes a lead merged into a user out, and records where it lives on', () => {
    const change = projectEvents(stateOf(created({ contact_id: 'lead', role: 'lead' })), 1, [mergedInto('user', 3000)]);
    expect(change).toMatchObject({ ...nothing, live: false, merges: [{ into_id: 'user', merged_at: 3000 }] });
    expect(change.state?.merged_into).toBe('user');
  });

  it('moves the listed count by what the events do to the contact being listed, and no more', () => {
    const user = stateOf(created());
    const delta = (before: typeof user | null, events: Parameters<typeof projectEvents>[2]) => projectEvents(before, before ? 1 : 0, events).visibleDelta;
    expect(delta(null, [created()])).toBe(1);
    expect(delta(null, [created(), archived()])).toBe(0);
    expect(delta(user, [deleted()])).toBe(-1);
    expect(delta(stateOf(created(), archived()), [deleted()])).toBe(0);
    expect(delta(user, [mergedInto('user', 3000)])).toBe(-1);
    expect(delta(stateOf(created(), archived()), [mergedInto('user', 3000)])).toBe(0);
    expect(delta(user, [archived()])).toBe(-1);
    expect(delta(user, [updated({ name: { from: null, to: 'x' } }), tagged('t1', 1100)])).toBe(0);
    expect(delta(user, [mergedFrom('lead', {})])).toBe(0);
  });

  it('writes a row per note added, in order', () => {
    const change = projectEvents(null, 0, [created(), noteAdded('n1', '<p>one</p>', 1100, 7), noteAdded('n2', '<p>two</p>', 1200, 8)]);
    expect(change.notes).toEqual([
      { id: 'n1', body: '<p>one</p>', admin_id: 7, created_at: 1100 },
      { id: 'n2', body: '<p>two</p>', admin_id: 8, created_at: 1200 },
    ]);
    expect(change.state?.note_ids).toEqual(['n1', 'n2']);
  });

  it('moves the notes of a lead merged in, and the user stays live', () => {
    const change = projectEvents(stateOf(created({ contact_id: 'user' })), 1, [mergedFrom('lead', { note_ids: ['n1'] })]);
    expect(change).toMatchObject({ ...nothing, live: true, notesMovedFrom: ['lead'] });
    expect(change.state?.note_ids).toEqual(['n1']);
  });

  it('records the latest application of each tag; taking a tag off keeps it', () => {
    const change = projectEvents(stateOf(created()), 1, [tagged('t1', 1100, 7), tagged('t2', 1200), untagged('t1', 1300), tagged('t1', 1400, 8), untagged('t2', 1500)]);
    expect(change.tagApplications).toEqual([
      { tag_id: 't1', applied_at: 1400, admin_id: 8 },
      { tag_id: 't2', applied_at: 1200, admin_id: null },
    ]);
  });

  it('counts a tag a merged lead brings as applied by the merge, unless the user already had it on', () => {
    const before = stateOf(created({ contact_id: 'user' }), tagged('t1', 1100, 7), tagged('t2', 1150), untagged('t2', 1160));
    const change = projectEvents(before, 4, [mergedFrom('lead', { tag_ids: ['t1', 't2', 't3'] }, 1200)]);
    expect(change.tagApplications).toEqual([
      { tag_id: 't2', applied_at: 1200, admin_id: null },
      { tag_id: 't3', applied_at: 1200, admin_id: null },
    ]);
  });

  it('snapshots the state at every SNAPSHOT_EVERY-th version the events reach, and nowhere else', () => {
    const renames = (n: number, from: number) => Array.from({ length: n }, (_, i) => updated({ name: { from: null, to: `n${from + i}` } }, from + i));
    const before = stateOf(created(), ...renames(SNAPSHOT_EVERY - 3, 1));
    const events = renames(5, SNAPSHOT_EVERY);
    const change = projectEvents(before, SNAPSHOT_EVERY - 2, events);
    expect(change.snapshots).toEqual([{ version: SNAPSHOT_EVERY, state: fold(events.slice(0, 2), before) }]);
    expect(projectEvents(before, SNAPSHOT_EVERY - 2, events.slice(0, 1)).snapshots).toEqual([]);
    const long = [created(), ...renames(2 * SNAPSHOT_EVERY + 10, 1)];
    const fromStart = projectEvents(null, 0, long);
    expect(fromStart.snapshots.map((s) => s.version)).toEqual([SNAPSHOT_EVERY, 2 * SNAPSHOT_EVERY]);
    expect(fromStart.snapshots[1].state).toEqual(fold(long.slice(0, 2 * SNAPSHOT_EVERY)));
  });

  it('snapshots a contact that is gone too: history and webhooks still read its past', () => {
    const before = stateOf(created(), ...Array.from({ length: SNAPSHOT_EVERY - 2 }, () => archived()));
    const change = projectEvents(before, SNAPSHOT_EVERY - 1, [deleted()]);
    expect(change.live).toBe(false);
    expect(change.snapshots).toEqual([{ version: SNAPSHOT_EVERY, state: change.state }]);
  });
});

/** Renders a projection with a `bind` that collects values as $1, $2, ...; the SQL with whitespace collapsed. */
function render(change: ReadModelChange, workspaceId = 'w1', contactId = 'c1') {
  const values: unknown[] = [];
  const sql = inlineProjection(workspaceId, contactId, change)((value) => `$${values.push(value)}`);
  const statements = (Array.isArray(sql) ? sql : [sql]).map((statement) => statement.replace(/\s+/g, ' ').trim());
  /** A statement with each placeholder replaced by its bound value, JSON-encoded: shape and values in one string. */
  const resolved = (statement: string) => statement.replace(/\$(\d+)/g, (_, n: string) => JSON.stringify(values[Number(n) - 1]));
  return { statements, values, resolved: statements.map(resolved) };
}

describe('inlineProjection', () => {
  it('upserts the contacts row of a live contact with its whole state, newer versions only', () => {
    const change = projectEvents(null, 0, [created()]);
    const { statements, values, resolved } = render(change);
    expect(statements).toHaveLength(2); // and the counter's, below
    expect(values).toEqual(['w1', 'c1', JSON.stringify(change.state), 1]);
    expect(JSON.parse(values[2] as string)).toEqual(change.state);
    expect(statements[0]).toMatch(/^INSERT INTO contacts \(workspace_id, id, version, state\) SELECT \$1, \$2, stream\.version, \$3::jsonb FROM stream /);
    expect(statements[0]).toContain('ON CONFLICT (workspace_id, id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state');
    expect(statements[0]).toContain('WHERE contacts.version < EXCLUDED.version');
    expect(statements[0]).toMatch(/ RETURNING state, version$/);
    expect(resolved[0]).toContain(`SELECT "w1", "c1", stream.version,`);
  });

  it('deletes the contacts row of a contact that is gone, binding no state', () => {
    const { statements, values, resolved } = render(projectEvents(stateOf(created()), 1, [deleted()]), 'w2', 'c2');
    expect(values).toEqual(['w2', 'c2', -1]);
    expect(resolved).toEqual([
      'DELETE FROM contacts WHERE workspace_id = "w2" AND id = "c2" AND EXISTS (SELECT 1 FROM stream) RETURNING NULL::jsonb AS state, version',
      COUNT_DOWN.replace('"w1"', '"w2"'),
    ]);
    expect(statements[0]).toMatch(/^DELETE FROM contacts /);
  });

  it('inserts one contact_notes row per note, after the contacts statement', () => {
    const { statements, resolved } = render(projectEvents(stateOf(created()), 1, [noteAdded('n1', "it's <b>bold</b>", 1100, 7), noteAdded('n2', 'two', 1200, 8)]));
    expect(statements).toHaveLength(3);
    expect(statements[0]).toMatch(/^INSERT INTO contacts /);
    expect(resolved.slice(1)).toEqual([
      `INSERT INTO contact_notes (workspace_id, id, contact_id, body, admin_id, created_at) SELECT "w1", "n1", "c1", "it's <b>bold</b>", 7::bigint, 1100::bigint FROM stream`,
      'INSERT INTO contact_notes (workspace_id, id, contact_id, body, admin_id, created_at) SELECT "w1", "n2", "c1", "two", 8::bigint, 1200::bigint FROM stream',
    ]);
  });

  it('moves the notes of a merged lead to the user', () => {
    const { resolved } = render(projectEvents(stateOf(created({ contact_id: 'user' })), 1, [mergedFrom('lead', { note_ids: ['n1'] })]), 'w1', 'user');
    expect(resolved[0]).toMatch(/^INSERT INTO contacts /);
    expect(resolved.slice(1)).toEqual([
      'UPDATE contact_notes SET contact_id = "user" WHERE workspace_id = "w1" AND contact_id = "lead" AND EXISTS (SELECT 1 FROM stream)',
    ]);
  });

  it('deletes a merged-away lead and records its merge row', () => {
    const { resolved } = render(projectEvents(stateOf(created({ contact_id: 'lead', role: 'lead' })), 1, [mergedInto('user', 3000)]), 'w1', 'lead');
    expect(resolved).toEqual([
      'DELETE FROM contacts WHERE workspace_id = "w1" AND id = "lead" AND EXISTS (SELECT 1 FROM stream) RETURNING NULL::jsonb AS state, version',
      'INSERT INTO contact_merges (workspace_id, from_id, into_id, merged_at) SELECT "w1", "lead", "user", 3000::bigint FROM stream',
      COUNT_DOWN,
    ]);
  });

  it('moves one counter row of the workspace, chosen at random, only when the listed count changes', () => {
    const { statements, resolved } = render(projectEvents(null, 0, [created()]));
    expect(resolved[1]).toBe(COUNT_DOWN.replace('-1::bigint', '1::bigint'));
    expect(statements[1]).toMatch(/FROM stream\b/);
    expect(render(projectEvents(stateOf(created()), 1, [updated({ name: { from: null, to: 'x' } })])).statements).toHaveLength(1);
  });

  it('orders the statements: contacts, notes, moved notes, merges; each runs only when the append did', () => {
    const change: ReadModelChange = {
      ...projectEvents(stateOf(created()), 1, [noteAdded('n1')]),
      notesMovedFrom: ['l1'],
      merges: [{ into_id: 'u1', merged_at: 1 }],
    };
    const { statements } = render(change);
    expect(statements.map((statement) => statement.split(' ').slice(0, 3).join(' '))).toEqual([
      'INSERT INTO contacts',
      'INSERT INTO contact_notes',
      'UPDATE contact_notes SET',
      'INSERT INTO contact_merges',
    ]);
    for (const statement of statements) expect(statement).toMatch(/FROM stream\b/);
  });

  it('upserts tag applications and inserts snapshots in one statement each, after the others', () => {
    const before = stateOf(created(), ...Array.from({ length: SNAPSHOT_EVERY - 2 }, () => archived()));
    const change = projectEvents(before, SNAPSHOT_EVERY - 1, [tagged('t1', 1100, 7), tagged('t2', 1200)]);
    const { statements, resolved } = render(change);
    expect(statements).toHaveLength(3);
    expect(resolved[1]).toBe(
      'INSERT INTO contact_tag_applications (workspace_id, contact_id, tag_id, applied_at, admin_id) SELECT "w1", "c1", a.tag_id, a.applied_at, a.admin_id ' +
        `FROM stream, jsonb_to_recordset(${JSON.stringify(JSON.stringify(change.tagApplications))}::jsonb) AS a(tag_id text, applied_at bigint, admin_id bigint) ` +
        'ON CONFLICT (workspace_id, contact_id, tag_id) DO UPDATE SET applied_at = EXCLUDED.applied_at, admin_id = EXCLUDED.admin_id',
    );
    expect(statements[2]).toMatch(/^INSERT INTO contact_snapshots \(workspace_id, contact_id, version, state\) SELECT \$1, \$2, s\.version, s\.state FROM stream, jsonb_to_recordset\(\$\d+::jsonb\)/);
    expect(resolved[2]).toContain(JSON.stringify(JSON.stringify([{ version: SNAPSHOT_EVERY, state: fold([tagged('t1', 1100, 7)], before) }])));
  });

  it('deletes an erased contact\'s row and every row of its read models, its notes wherever a merge moved them', () => {
    const { statements, resolved } = render(projectEvents(stateOf(created(), noteAdded('n1')), 2, [erased()]));
    expect(statements[0]).toMatch(/^DELETE FROM contacts WHERE workspace_id = \$1 AND id = \$2 /);
    const deletes = resolved.slice(1).map((statement) => /^DELETE FROM (\w+) /.exec(statement)?.[1]);
    expect(deletes).toEqual(['contact_notes', 'contact_tag_applications', 'contact_snapshots', 'contact_merges', 'contact_event_summaries', 'contact_data_event_keys', undefined]);
    expect(resolved[1]).toContain(`(contact_id = "c1" OR id = ANY(["n1"]::text[]))`);
    expect(resolved.at(-1)).toBe(COUNT_DOWN);
  });

  it('binds every value, so none is spliced into the SQL', () => {
    const { statements } = render(projectEvents(null, 0, [created({ name: "Robert'); DROP TABLE contacts;--" }), noteAdded('n1', "'; DROP TABLE x;--")]));
    for (const statement of statements) expect(statement).not.toContain('DROP TABLE');
  });
});
