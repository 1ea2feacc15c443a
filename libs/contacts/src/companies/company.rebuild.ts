import type { StoredEvent } from '@app/event-store';
import { toCompanyEvent } from '../domain/company.events.js';
import { eachStream, push } from '../store/projection-fold.js';
import { PICK_STREAMS, type RebuildPart } from '../store/projection-rebuild.js';
import { projectCompanyEvents } from './company.projection.js';
import { COMPANY_STREAM } from './company.repository.js';

/**
 * Read-model rows of whole company streams, each projected with projectCompanyEvents from nothing: the companies row
 * (state null when deleted), its company_tags, company_notes and company_snapshots rows, and what it adds to company_counts.
 */
export class FoldedCompanies {
  readonly streams = {
    workspace: [] as string[], id: [] as string[], version: [] as number[], companyId: [] as (string | null)[],
    createdAt: [] as (number | null)[], state: [] as (string | null)[],
  };
  readonly tags = { workspace: [] as string[], stream: [] as string[], tag: [] as string[], at: [] as number[], admin: [] as (number | null)[], createdAt: [] as number[] };
  readonly snapshots = { workspace: [] as string[], stream: [] as string[], version: [] as number[], state: [] as string[] };
  readonly notes = {
    workspace: [] as string[], stream: [] as string[], id: [] as string[], position: [] as number[], body: [] as string[], admin: [] as number[],
    createdAt: [] as number[],
  };
  readonly counts = { workspace: [] as string[], stream: [] as string[], key: [] as string[], n: [] as number[] };
  events = 0;

  add(events: StoredEvent[]): void {
    eachStream(events, (stream) => {
      const { workspaceId, streamId, streamPosition } = stream[stream.length - 1];
      const change = projectCompanyEvents(null, 0, stream.map(toCompanyEvent));
      const state = change.live ? change.state : null;
      push(this.streams, [workspaceId, streamId, streamPosition, state?.company_id ?? null, state?.created_at ?? null, state ? JSON.stringify(state) : null]);
      if (state) for (const a of change.tagApplications) push(this.tags, [workspaceId, streamId, a.tag_id, a.applied_at, a.admin_id, state.created_at]);
      // A deleted company's notes stay, as the append leaves them: the list reads them only through a live company.
      for (const n of change.notes) push(this.notes, [workspaceId, streamId, n.id, n.position, n.body, n.admin_id, n.created_at]);
      for (const s of change.snapshots) push(this.snapshots, [workspaceId, streamId, s.version, JSON.stringify(s.state)]);
      for (const [key, n] of change.counts) push(this.counts, [workspaceId, streamId, key, n]);
    });
    this.events += events.length;
  }

  get size(): number {
    return this.streams.id.length;
  }
}

/** The rebuild of companies, company_tags, company_notes, company_snapshots and company_counts from every company stream. */
export const companyRebuild: RebuildPart = {
  streamType: COMPANY_STREAM,
  staging: `
    CREATE TEMP TABLE rebuild_company_streams (workspace_id text, stream_id text, version bigint, company_id text, created_at bigint, state jsonb);
    CREATE TEMP TABLE rebuild_company_tags (workspace_id text, stream_id text, tag_id text, applied_at bigint, admin_id bigint, created_at bigint);
    CREATE TEMP TABLE rebuild_company_notes (workspace_id text, stream_id text, id text, position integer, body text, admin_id bigint, created_at bigint);
    CREATE TEMP TABLE rebuild_company_snapshots (workspace_id text, stream_id text, version bigint, state jsonb);
    CREATE TEMP TABLE rebuild_company_counts (workspace_id text, stream_id text, key text, n bigint)`,
  versions: 'rebuild_company_streams',
  indexes: `ALTER TABLE rebuild_company_streams ADD PRIMARY KEY (workspace_id, stream_id);
    CREATE INDEX ON rebuild_company_tags (workspace_id, stream_id); CREATE INDEX ON rebuild_company_notes (workspace_id, stream_id);
    CREATE INDEX ON rebuild_company_snapshots (workspace_id, stream_id);
    CREATE INDEX ON rebuild_company_counts (workspace_id, stream_id)`,
  // company_contacts and company_contact_stats come from contacts (the contacts part), company_plans is a catalogue.
  readModel: 'companies, company_tags, company_notes, company_snapshots, company_counts',
  async stage(client, events) {
    const page = new FoldedCompanies();
    page.add(events);
    const { streams: s, tags: t, notes: n, snapshots: p, counts: c } = page;
    await client.query('INSERT INTO rebuild_company_streams SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], $6::jsonb[])', [
      s.workspace, s.id, s.version, s.companyId, s.createdAt, s.state,
    ]);
    if (t.tag.length > 0) {
      await client.query('INSERT INTO rebuild_company_tags SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])', [
        t.workspace, t.stream, t.tag, t.at, t.admin, t.createdAt,
      ]);
    }
    if (n.id.length > 0) {
      await client.query('INSERT INTO rebuild_company_notes SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::bigint[], $7::bigint[])', [
        n.workspace, n.stream, n.id, n.position, n.body, n.admin, n.createdAt,
      ]);
    }
    if (p.version.length > 0) {
      await client.query('INSERT INTO rebuild_company_snapshots SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::jsonb[])', [p.workspace, p.stream, p.version, p.state]);
    }
    if (c.key.length > 0) {
      await client.query('INSERT INTO rebuild_company_counts SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])', [c.workspace, c.stream, c.key, c.n]);
    }
    return { streams: page.size, events: page.events };
  },
  async forget(client, keys) {
    for (const table of ['rebuild_company_streams', 'rebuild_company_tags', 'rebuild_company_notes', 'rebuild_company_snapshots', 'rebuild_company_counts']) {
      await client.query(`DELETE FROM ${table} WHERE ${PICK_STREAMS}`, keys);
    }
  },
  async refill(client) {
    const companies = await client.query(
      `INSERT INTO companies (workspace_id, id, company_id, created_at, version, state)
       SELECT workspace_id, stream_id, company_id, created_at, version, state FROM rebuild_company_streams WHERE state IS NOT NULL`,
    );
    const tags = await client.query(
      `INSERT INTO company_tags (workspace_id, company_id, tag_id, applied_at, admin_id, created_at)
       SELECT workspace_id, stream_id, tag_id, applied_at, admin_id, created_at FROM rebuild_company_tags`,
    );
    const notes = await client.query(
      `INSERT INTO company_notes (workspace_id, id, company_id, position, body, admin_id, created_at)
       SELECT workspace_id, id, stream_id, position, body, admin_id, created_at FROM rebuild_company_notes`,
    );
    await client.query('INSERT INTO company_snapshots (workspace_id, company_id, version, state) SELECT workspace_id, stream_id, version, state FROM rebuild_company_snapshots');
    // What every stream's projection adds to the counters, summed into one slot per key; appends spread from there.
    await client.query(
      'INSERT INTO company_counts (workspace_id, key, slot, n) SELECT workspace_id, key, 0, sum(n) FROM rebuild_company_counts GROUP BY workspace_id, key HAVING sum(n) <> 0',
    );
    return { companies: companies.rowCount ?? 0, company_tags: tags.rowCount ?? 0, company_notes: notes.rowCount ?? 0 };
  },
};
