import { Injectable } from '@nestjs/common';
import type { EventMetadata, InlineProjection } from '@app/event-store';
import type { ContactEvent } from '../domain/contact.events.js';
import { ByteBudgetCache, jsonBytes } from '@app/intercom';
import { ContactRepository, type ContactStream, type ContactView } from './contact.repository.js';

const BUDGET_BYTES = 32 * 1024 * 1024;

/**
 * The contact repository with a memory of what this process last loaded or committed, so that a write
 * can skip its load round trip. It is optimistic, never trusted: the append's expected version refuses
 * a stale entry (another replica wrote), and the write loop redoes from a fresh load any decision made
 * from memory that changes nothing or fails.
 */
@Injectable()
export class CachingContactRepository extends ContactRepository {
  private readonly recent = new ByteBudgetCache<ContactView>(BUDGET_BYTES, (view) => jsonBytes(view.state));

  override async load(workspaceId: string, id: string, fresh = true): Promise<ContactStream> {
    const remembered = fresh ? undefined : this.recent.get(key(workspaceId, id));
    if (remembered) return { workspaceId, id, ...remembered, cached: true };
    const stream = await super.load(workspaceId, id);
    this.remember(stream);
    return stream;
  }

  override async saveAll(writes: [ContactStream, ContactEvent[], InlineProjection?][], metadata: EventMetadata): Promise<ContactView[]> {
    for (const [stream] of writes) this.recent.delete(key(stream.workspaceId, stream.id));
    const views = await super.saveAll(writes, metadata);
    views.forEach((view, i) => this.remember({ ...writes[i][0], ...view }));
    return views;
  }

  /** A deleted, merged-away or erased contact is forgotten instead. */
  private remember({ workspaceId, id, state, version }: ContactStream): void {
    if (state && !state.deleted && !state.merged_into && !state.erased) this.recent.set(key(workspaceId, id), { state, version });
    else this.recent.delete(key(workspaceId, id));
  }
}

const key = (workspaceId: string, id: string) => `${workspaceId}/${id}`;
