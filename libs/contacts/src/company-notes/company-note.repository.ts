import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import type pg from 'pg';

/** A row of the company_notes read model, with its author. */
export interface CompanyNoteRecord {
  id: string;
  company_id: string;
  body: string;
  created_at: number;
  author: { id: string; name: string; email: string };
}

export interface CompanyNotePage {
  total: number;
  /** How many of the newest notes come before this page. */
  offset: number;
  notes: CompanyNoteRecord[];
}

/** Where a page starts: `offset` notes from the newest, or (a cursor's) at position `upto` and down. */
export type CompanyNotePageStart = { offset: number } | { upto: number };

const FIND = `
  SELECT n.id, n.company_id, n.body, n.created_at, a.id::text AS author_id, a.name AS author_name, a.email AS author_email
    FROM company_notes n
    JOIN companies c ON c.workspace_id = n.workspace_id AND c.id = n.company_id
    JOIN admins a ON a.workspace_id = n.workspace_id AND a.id = n.admin_id
   WHERE n.workspace_id = $1 AND n.id = $2`;

// The company's row gives the total (note_count of its state) and proves it is live; the page is the range of
// positions (hi - limit, hi] of the unique key (workspace_id, company_id, position), newest first. A cursor
// names the position it starts at ($5), which notes added since do not move: its offset is counted against
// the list as it is now. The cost is the page's rows by key, however many notes the company holds.
const PAGE = `
  WITH c AS MATERIALIZED (
    SELECT total, CASE WHEN $5::int IS NULL THEN greatest(total - $4::int, 0) ELSE least($5::int, total) END AS hi
      FROM (SELECT coalesce((state->>'note_count')::int, 0) AS total FROM companies WHERE workspace_id = $1 AND id = $2) AS t)
  SELECT c.total, c.total - c.hi AS off,
         coalesce((SELECT json_agg(json_build_object('id', n.id, 'company_id', n.company_id, 'body', n.body, 'created_at', n.created_at,
                                   'author_id', a.id::text, 'author_name', a.name, 'author_email', a.email) ORDER BY n.position DESC)
                     FROM company_notes n
                     JOIN admins a ON a.workspace_id = n.workspace_id AND a.id = n.admin_id
                    WHERE n.workspace_id = $1 AND n.company_id = $2 AND n.position <= c.hi AND n.position > c.hi - $3::int), '[]') AS notes
    FROM c`;

@Injectable()
export class CompanyNoteRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async find(workspaceId: string, id: string): Promise<CompanyNoteRecord | null> {
    const { rows } = await this.pool.query({ name: 'company_notes_find', text: FIND, values: [workspaceId, id] });
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** A page of the company's notes, newest first; null when the company does not exist (or was deleted). */
  async page(workspaceId: string, companyId: string, limit: number, start: CompanyNotePageStart): Promise<CompanyNotePage | null> {
    const { rows } = await this.pool.query({
      name: 'company_notes_page',
      text: PAGE,
      values: [workspaceId, companyId, limit, 'offset' in start ? start.offset : null, 'upto' in start ? start.upto : null],
    });
    if (!rows[0]) return null;
    return { total: rows[0].total, offset: rows[0].off, notes: rows[0].notes.map(toRecord) };
  }

  /** The admin that authors a note: `adminId` if it is one of the workspace's, else null; absent, the workspace's first. */
  async author(workspaceId: string, adminId: number | null): Promise<number | null> {
    const { rows } = await this.pool.query({
      name: 'company_notes_author',
      text: 'SELECT id FROM admins WHERE workspace_id = $1 AND ($2::bigint IS NULL OR id = $2::bigint) ORDER BY id LIMIT 1',
      values: [workspaceId, adminId],
    });
    return rows[0] ? Number(rows[0].id) : null;
  }
}

const toRecord = (row: Record<string, any>): CompanyNoteRecord => ({
  id: row.id,
  company_id: row.company_id,
  body: row.body,
  created_at: Number(row.created_at),
  author: { id: row.author_id, name: row.author_name, email: row.author_email },
});
