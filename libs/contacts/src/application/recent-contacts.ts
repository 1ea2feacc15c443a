import type { Contact, DataType } from '../domain/contact.aggregate.js';
import { Contact as ContactAggregate } from '../domain/contact.aggregate.js';
import type { ContactView, LoadNeeds, LoadedContact } from '../infrastructure/contact.repository.js';

const CAPACITY = 10_000;
// A data attribute archived by another replica is still accepted here for at most this long.
const ATTRIBUTE_TYPES_MS = 5_000;

/**
 * What this process last committed or loaded for a contact, so that a write can skip its load round trip.
 * It is optimistic, never trusted: the append's expected version refuses a stale entry (another replica
 * wrote), and the writer falls back to a fresh load whenever a decision made from memory changes nothing
 * or fails.
 */
export class RecentContacts {
  private readonly views = new Map<string, ContactView>();
  private readonly attributeTypes = new Map<string, { types: ReadonlyMap<string, DataType>; until: number }>();
  /** Admins never leave a workspace, so a known one stays known. */
  private readonly admins = new Map<string, Set<number>>();

  /** A loaded contact built from memory, or undefined when anything the decision needs is not known here. */
  lookup(workspaceId: string, contactId: string, needs: LoadNeeds): LoadedContact | undefined {
    const view = this.views.get(key(workspaceId, contactId));
    if (!view) return undefined;
    let dataAttributes: ReadonlyMap<string, DataType> = new Map();
    if (needs.customAttributes) {
      const known = this.attributeTypes.get(workspaceId);
      if (!known || known.until < Date.now()) return undefined;
      dataAttributes = known.types;
    }
    const admins = new Set<number>();
    if (needs.adminId != null) {
      if (!this.admins.get(workspaceId)?.has(needs.adminId)) return undefined;
      admins.add(needs.adminId);
    }
    return { contact: ContactAggregate.fromSnapshot(view.state, view.version), dataAttributes, admins };
  }

  rememberLoad(workspaceId: string, contactId: string, needs: LoadNeeds, loaded: LoadedContact): void {
    if (loaded.contact) this.remember({ state: loaded.contact.state, version: loaded.contact.version });
    if (needs.customAttributes) this.attributeTypes.set(workspaceId, { types: loaded.dataAttributes, until: Date.now() + ATTRIBUTE_TYPES_MS });
    if (needs.adminId != null && loaded.admins.has(needs.adminId)) {
      const known = this.admins.get(workspaceId) ?? new Set<number>();
      this.admins.set(workspaceId, known.add(needs.adminId));
    }
  }

  /** A committed row; a deleted or merged-away contact is forgotten instead. */
  remember(view: ContactView): void {
    const k = key(view.state.workspace_id, view.state.id);
    this.views.delete(k);
    if (view.state.deleted || view.state.merged_into) return;
    this.views.set(k, view);
    if (this.views.size > CAPACITY) this.views.delete(this.views.keys().next().value as string);
  }

  forget(contact: Pick<Contact['state'], 'workspace_id' | 'id'>): void {
    this.views.delete(key(contact.workspace_id, contact.id));
  }
}

const key = (workspaceId: string, contactId: string) => `${workspaceId}/${contactId}`;
