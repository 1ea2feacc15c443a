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
  notes: NoteRecord[];
}

// Notes of deleted or merged-away contacts stay in contact_notes (a merge moves them): the join
// with the live contacts hides the rest. Within one second, the order of the contact's note_ids
// (its stream order) decides, so "newest first" holds for notes written back to back.
const SELECT = `
  SELECT n.id, n.contact_id, n.body, n.created_at,
         a.id::text AS author_id, a.name AS author_name, a.email AS author_email
    FROM contact_notes n
    JOIN contacts c ON c.workspace_id = n.workspace_id AND c.id = n.contact_id
    JOIN admins a ON a.workspace_id = n.workspace_id AND a.id = n.admin_id`;

@Injectable()
export class NoteRepository {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async find(workspaceId: string, id: string): Promise<NoteRecord | null> {
    const { rows } = await this.pool.query(`${SELECT} WHERE n.workspace_id = $1 AND n.id = $2`, [workspaceId, id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** A page of the contact's notes, newest first; null when the contact does not exist. */
  async page(workspaceId: string, contactId: string, limit: number, offset: number): Promise<NotePage | null> {
    const counted = await this.pool.query(
      `SELECT (SELECT count(*) FROM contact_notes n WHERE n.workspace_id = $1 AND n.contact_id = $2)::int AS total
         FROM contacts WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, contactId],
    );
    if (!counted.rows[0]) return null;
    const { rows } = await this.pool.query(
      `${SELECT}
       LEFT JOIN jsonb_array_elements_text(${contactColumns('c').ids('note_ids')}) WITH ORDINALITY o(id, position) ON o.id = n.id
       WHERE n.workspace_id = $1 AND n.contact_id = $2
       ORDER BY n.created_at DESC, o.position DESC NULLS LAST, n.id DESC
       LIMIT $3 OFFSET $4`,
      [workspaceId, contactId, limit, offset],
    );
    return { total: counted.rows[0].total, notes: rows.map(toRecord) };
  }

  /** The workspace's first admin: the one its access token acts for. */
  async firstAdminId(workspaceId: string): Promise<number | null> {
    const { rows } = await this.pool.query('SELECT id FROM admins WHERE workspace_id = $1 ORDER BY id LIMIT 1', [workspaceId]);
    return rows[0]?.id ?? null;
  }
}

const toRecord = (row: Record<string, any>): NoteRecord => ({
  id: row.id,
  contact_id: row.contact_id,
  body: row.body,
  created_at: row.created_at,
  author: { id: row.author_id, name: row.author_name, email: row.author_email },
});
