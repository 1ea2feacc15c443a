import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { firstAdmin, tagContact, untagContact } from '../domain/contact-relations.aggregate.js';
import { ContactRepository } from '../store/contact.repository.js';
import { type ContactRef, ContactViews } from '../store/contact-views.repository.js';
import { type Tag, TagCatalog } from './tag-catalog.repository.js';
import { ignoreGone, takeBackIfDeleted } from './tag-contact.handler.js';

/** One entry of POST /tags `users`: who, and whether the tag comes off (`untag: true`) rather than on. */
export interface TagUserItem extends ContactRef {
  untag: boolean;
}

/**
 * POST /tags with `users`: the tag of that name (created when missing, as Intercom does) goes on each contact, or
 * comes off those marked `untag`. Every contact must exist, or nothing changes (404 User Not Found).
 */
export class TagUsersCommand extends Command<Tag> {
  constructor(
    readonly workspaceId: string,
    readonly name: string,
    readonly users: readonly TagUserItem[],
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** Appends of one request in flight together. */
const CONCURRENCY = 8;

@CommandHandler(TagUsersCommand)
export class TagUsersHandler implements ICommandHandler<TagUsersCommand, Tag> {
  constructor(
    readonly contacts: ContactRepository,
    readonly tags: TagCatalog,
    private readonly views: ContactViews,
  ) {}

  async execute({ workspaceId, name, users, metadata }: TagUsersCommand): Promise<Tag> {
    const ids = await this.views.resolveRefs(workspaceId, users);
    if (ids.some((id) => id === null)) throw new ContactNotFoundError();
    const tag = await this.tags.create(workspaceId, name);
    // One contact named twice is changed once, as its last entry says.
    const wanted = new Map(users.map((user, i) => [ids[i]!, user.untag]));
    const entries = [...wanted];
    for (let i = 0; i < entries.length; i += CONCURRENCY) {
      await Promise.all(entries.slice(i, i + CONCURRENCY).map(([id, untag]) => this.change(workspaceId, id, tag.id, untag, metadata)));
    }
    await takeBackIfDeleted(this, workspaceId, entries.filter(([, untag]) => !untag).map(([id]) => id), tag.id, metadata);
    return tag;
  }

  private change(workspaceId: string, contactId: string, tagId: string, untag: boolean, metadata: EventMetadata): Promise<unknown> {
    return this.contacts
      .change(workspaceId, contactId, metadata, (contact, context) =>
        untag ? untagContact(contact, tagId, context) : tagContact(contact, tagId, firstAdmin(context.admins), context),
      )
      .catch(ignoreGone);
  }
}
