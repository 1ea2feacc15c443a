import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type EventMetadata, StreamVersionConflictError } from '@app/event-store';
import type { Contact, ContactPatch, DecisionContext } from '../domain/contact.aggregate.js';
import { ContactBusyError } from '../domain/contact.errors.js';
import { type ContactView, ContactRepository, type LoadedContact } from '../infrastructure/contact.repository.js';

const MAX_ATTEMPTS = 8;

/** Intercom-style ids: 8 hex digits of creation time, then 16 random hex digits. */
export function newContactId(now = Date.now()): string {
  return Math.floor(now / 1000).toString(16).padStart(8, '0') + randomBytes(8).toString('hex');
}

export const nowInSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Runs load -> decide -> append for one contact. Writers of the same contact in this process queue
 * behind each other, so they rarely conflict; writers in other processes are caught by the expected
 * version and retried from a fresh load.
 */
@Injectable()
export class ContactWriter {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly contacts: ContactRepository) {}

  async write(
    workspaceId: string,
    contactId: string,
    patch: ContactPatch,
    metadata: EventMetadata,
    decide: (loaded: LoadedContact, context: DecisionContext) => Contact,
  ): Promise<ContactView> {
    return this.serialize(`${workspaceId}/${contactId}`, async () => {
      for (let attempt = 1; ; attempt++) {
        const loaded = await this.contacts.load(workspaceId, contactId, {
          customAttributes: patch.custom_attributes != null,
          ownerId: patch.owner_id,
        });
        const contact = decide(loaded, { now: nowInSeconds(), dataAttributes: loaded.dataAttributes, admins: loaded.admins });
        if (contact.pendingEvents.length === 0) return { state: contact.state, version: contact.version };
        try {
          return await this.contacts.save(contact, metadata);
        } catch (error) {
          if (!(error instanceof StreamVersionConflictError)) throw error;
          if (attempt >= MAX_ATTEMPTS) throw new ContactBusyError();
          await sleep(Math.random() * 5 * attempt);
        }
      }
    });
  }

  private async serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    this.queues.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
