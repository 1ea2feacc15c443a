import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@app/event-store';
import type pg from 'pg';

/** When and by whom a tag was put on a contact. */
export interface TagApplication {
  applied_at: number;
  admin_id: number | null;
}

/**
 * The latest application of tags on a contact, from contact_tag_applications: the projection keeps it
 * (read-model.projection.ts), so no read folds the contact's events. A tag merged in from a lead counts
 * as applied by the merge, with no admin; a tag taken off keeps its last application.
 */
@Injectable()
export class TagApplications {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async of(workspaceId: string, contactId: string, tagIds: string[]): Promise<Map<string, TagApplication>> {
    const { rows } = await this.pool.query({
      name: 'contact_tag_applications_of',
      text: `SELECT tag_id, applied_at, admin_id FROM contact_tag_applications
              WHERE workspace_id = $1 AND contact_id = $2 AND tag_id = ANY($3::text[])`,
      values: [workspaceId, contactId, tagIds],
    });
    return new Map(rows.map((row) => [row.tag_id, { applied_at: row.applied_at, admin_id: row.admin_id }]));
  }
}
