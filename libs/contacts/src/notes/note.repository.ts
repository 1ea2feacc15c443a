import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import type pg from 'pg';
import { contactColumns } from '../store/contact-state.columns.js';

/** A row of the contact_notes read model, with its author. */
export interface NoteRecord {
  id: string;
  contact_id: string;
  body: string;
  created_at: number;
  author: { id: string; name: string; email: string };
}

export interface NotePage {
  total: number;
  /** How many of the newest notes come before this page. */
  offset: number;
  notes: NoteRecord[];
}

/** Where a page starts: `offset` notes from the newest, or (a cursor's) just before position `before` of note_ids. */
export type NotePageStart = { offset: number } | { before: number };

// Notes of deleted or merged-away contacts stay in contact_notes (a merge moves them): the join
// with the live contacts hides the rest.
const SELECT = `
  SELECT n.id, n.contact_id, n.body, n.created_at,
         a.id::text AS author_id, a.name AS author_name, a.email AS author_email
    FROM contact_notes n
    JOIN contacts c ON c.workspace_id = n.workspace_id AND c.id = n.contact_id
    JOIN admins a ON a.workspace_id = n.workspace_id AND a.id = n.admin_id`;

// "Newest first" is the reverse of the contact's note_ids, the order the notes came to it (a merged lead's
// notes come at the merge), as GET /contacts/{id} embeds them. Position k of the page is element
// total - 1 - offset - k; the series stops at element 0, since a negative jsonb index counts from the end.
// The page's ids go in as one array (an InitPlan), so the notes are read by key: with them joined row by row
// the planner hashed all of the contact's notes instead (EXPLAIN at 5,000 notes).
// A cursor names a position of note_ids ($5, the page ends just before it), which notes added since do not move:
// its offset is counted against the list as it is now.
const PAGE = `
  WITH l AS MATERIALIZED (
    SELECT ids, total, CASE WHEN $5::int IS NULL THEN $4::int ELSE greatest(total - $5::int, 0) END AS off
      FROM (SELECT ${contactColumns('c').ids('note_ids')} AS ids, jsonb_array_length(${contactColumns('c').ids('note_ids')}) AS total
              FROM contacts c WHERE c.workspace_id = $1 AND c.id = $2) AS n),
  p AS MATERIALIZED (
    SELECT array(SELECT l.ids->>(l.total - 1 - l.off - s.k) FROM generate_series(0, least($3::int, l.total - l.off) - 1) AS s(k) ORDER BY s.k) AS ids
      FROM l)
  SELECT l.total, l.off,
         coalesce((SELECT json_agg(json_build_object('id', n.id, 'contact_id', n.contact_id, 'body', n.body, 'created_at', n.created_at,
                                   'author_id', a.id::text, 'author_name', a.name, 'author_email', a.email)
                            ORDER BY array_position((SELECT ids FROM p), n.id))
                     FROM contact_notes n
                     JOIN admins a ON a.workspace_id = n.workspace_id AND a.id = n.admin_id
                    WHERE n.workspace_id = $1 AND n.id = ANY((SELECT ids FROM p)::text[]) AND n.contact_id = $2), '[]') AS notes
    FROM l`;

@Injectable()
export class NoteRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async find(workspaceId: string, id: string): Promise<NoteRecord | null> {
    const { rows } = await this.pool.query(`${SELECT} WHERE n.workspace_id = $1 AND n.id = $2`, [workspaceId, id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * A page of the contact's notes, newest first; null when the contact does not exist. The page is a
   * slice of the contact's note_ids read from the end, and the total is that list's length: the cost is
   * the page's notes by key, however many notes the contact holds (no OFFSET, no count).
   */
  async page(workspaceId: string, contactId: string, limit: number, start: NotePageStart): Promise<NotePage | null> {
    const { rows } = await this.pool.query({
      name: 'contact_notes_page',
      text: PAGE,
      values: [workspaceId, contactId, limit, 'offset' in start ? start.offset : null, 'before' in start ? start.before : null],
    });
    if (!rows[0]) return null;
    return { total: rows[0].total, offset: rows[0].off, notes: rows[0].notes.map(toRecord) };
  }
}

const toRecord = (row: Record<string, any>): NoteRecord => ({
  id: row.id,
  contact_id: row.contact_id,
  body: row.body,
  created_at: row.created_at,
  author: { id: row.author_id, name: row.author_name, email: row.author_email },
});
