import { Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@app/event-store';
import { type ContactEvent, toContactEvent } from '../domain/contact.events.js';

/** When and by whom a tag was put on a contact. */
export interface TagApplication {
  applied_at: number;
  admin_id: number | null;
}

/**
 * The latest application of every tag the contact ever had. The read model keeps only the ids, so the
 * times come from the contact's own events (read through the store, so through its codec).
 */
@Injectable()
export class TagApplications {
  constructor(private readonly store: PostgresEventStore) {}

  async of(workspaceId: string, contactId: string): Promise<Map<string, TagApplication>> {
    const events = await this.store.readStream(workspaceId, contactId);
    return applicationsOf(events.map(toContactEvent));
  }
}

/** Folds tag events: a tag merged in from a lead counts as applied by the merge, with no admin. */
export function applicationsOf(events: ContactEvent[]): Map<string, TagApplication> {
  const applied = new Map<string, TagApplication>();
  const attached = new Set<string>();
  for (const event of events) {
    if (event.type === 'ContactTagged') {
      applied.set(event.data.tag_id, { applied_at: event.data.occurred_at, admin_id: event.data.admin_id ?? null });
      attached.add(event.data.tag_id);
    } else if (event.type === 'ContactUntagged') {
      attached.delete(event.data.tag_id);
    } else if (event.type === 'ContactMergedFrom') {
      for (const id of event.data.tag_ids) {
        if (attached.has(id)) continue;
        applied.set(id, { applied_at: event.data.occurred_at, admin_id: null });
        attached.add(id);
      }
    }
  }
  return applied;
}
