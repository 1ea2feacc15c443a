import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type EventMetadata, StreamVersionConflictError } from '@app/event-store';
import type { Contact, ContactPatch, DecisionContext } from '../domain/contact.aggregate.js';
import { ContactBusyError, ContactError, ContactNotFoundError } from '../domain/contact.errors.js';
import { type ContactView, ContactRepository, type LoadNeeds, type LoadedContact } from '../infrastructure/contact.repository.js';
import { RecentContacts } from './recent-contacts.js';

const MAX_ATTEMPTS = 8;

/** Intercom-style ids (contacts, companies, notes): 8 hex digits of creation time, then 16 random hex digits. */
export function newObjectId(now = Date.now()): string {
  return Math.floor(now / 1000).toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
}

export const nowInSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Runs load -> decide -> append for one contact. Writers of the same contact in this process queue
 * behind each other, so they rarely conflict; writers in other processes are caught by the expected
 * version and retried from a fresh load. The load is skipped when this process remembers the contact
 * (RecentContacts): the expected version still guards the append.
 */
@Injectable()
export class ContactWriter {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly recent = new RecentContacts();

  constructor(private readonly contacts: ContactRepository) {}

  async write(
    workspaceId: string,
    contactId: string,
    metadata: EventMetadata,
    needs: LoadNeeds,
    decide: (loaded: LoadedContact, context: DecisionContext) => Contact,
  ): Promise<ContactView> {
    return this.serialize([`${workspaceId}/${contactId}`], () =>
      this.retrying(async () => {
        const remembered = this.recent.lookup(workspaceId, contactId, needs);
        const fromMemory = remembered && (await this.decideAndSave(remembered, metadata, decide, true));
        if (fromMemory) return fromMemory;
        const loaded = await this.contacts.load(workspaceId, contactId, needs);
        this.recent.rememberLoad(workspaceId, contactId, needs, loaded);
        return (await this.decideAndSave(loaded, metadata, decide, false))!;
      }),
    );
  }

  /** Undefined when a decision made from memory changed nothing or failed: only a fresh load can tell. */
  private async decideAndSave(
    loaded: LoadedContact,
    metadata: EventMetadata,
    decide: (loaded: LoadedContact, context: DecisionContext) => Contact,
    fromMemory: boolean,
  ): Promise<ContactView | undefined> {
    let contact: Contact;
    try {
      contact = decide(loaded, contextOf(loaded));
    } catch (error) {
      if (fromMemory && error instanceof ContactError) return undefined;
      throw error;
    }
    if (contact.pendingEvents.length === 0) return fromMemory ? undefined : { state: contact.state, version: contact.version };
    try {
      const view = await this.contacts.save(contact, metadata);
      this.recent.remember(view);
      return view;
    } catch (error) {
      this.recent.forget(contact.state);
      throw error;
    }
  }

  /** Merges a lead into a user: both streams change in one transaction. Returns the user. */
  async merge(workspaceId: string, fromId: string, intoId: string, metadata: EventMetadata, requireDuplicate = false): Promise<ContactView> {
    return this.serialize([`${workspaceId}/${fromId}`, `${workspaceId}/${intoId}`], () =>
      this.retrying(async () => {
        const [from, into] = await Promise.all([
          this.contacts.load(workspaceId, fromId, {}),
          this.contacts.load(workspaceId, intoId, {}),
        ]);
        if (!from.contact || !into.contact) throw new ContactNotFoundError();
        from.contact.mergeInto(into.contact, nowInSeconds(), requireDuplicate);
        this.recent.forget(from.contact.state);
        this.recent.forget(into.contact.state);
        await this.contacts.saveAll([into.contact, from.contact], metadata);
        return (await this.contacts.find(workspaceId, intoId)) ?? { state: into.contact.state, version: into.contact.version + 1 };
      }),
    );
  }

  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof StreamVersionConflictError)) throw error;
        if (n >= MAX_ATTEMPTS) throw new ContactBusyError();
        await sleep(Math.random() * 5 * n);
      }
    }
  }

  /** Runs `work` after every earlier writer of these keys in this process; keys are taken in a fixed order. */
  private async serialize<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    const ordered = [...new Set(keys)].sort();
    const previous = Promise.all(ordered.map((key) => this.queues.get(key) ?? Promise.resolve()));
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    for (const key of ordered) this.queues.set(key, settled);
    try {
      return await run;
    } finally {
      for (const key of ordered) if (this.queues.get(key) === settled) this.queues.delete(key);
    }
  }
}

/** What a create or update needs loaded beside the contact. */
export const needsOf = (patch: ContactPatch): LoadNeeds => ({ customAttributes: patch.custom_attributes != null, adminId: patch.owner_id });

const contextOf = (loaded: LoadedContact): DecisionContext => ({ now: nowInSeconds(), dataAttributes: loaded.dataAttributes, admins: loaded.admins });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
