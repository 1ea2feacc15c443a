import { Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler, type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { Contact } from '../domain/contact.aggregate.js';
import { ContactNotFoundError } from '../domain/contact.errors.js';
import { ContactRepository } from '../infrastructure/contact.repository.js';
import { ContactWriter } from './contact-writer.js';
import { type ContactTag, ListContactTagsQuery, TagContactCommand, UntagContactCommand } from './tags.commands.js';
import { type Tag, TagNotFoundError, TagsService } from './tags.service.js';

/** Tagging and untagging differ only in the aggregate method they call. */
@Injectable()
abstract class ContactTagChange {
  constructor(
    private readonly writer: ContactWriter,
    private readonly tags: TagsService,
  ) {}

  protected async change(
    { workspaceId, contactId, tagId, metadata }: TagContactCommand | UntagContactCommand,
    apply: (contact: Contact, tag: Tag, now: number) => void,
  ): Promise<ContactTag> {
    const tag = await this.tags.find(workspaceId, tagId);
    await this.writer.write(workspaceId, contactId, metadata, {}, ({ contact }, { now }) => {
      // A missing contact is reported before a missing tag.
      if (!contact) throw new ContactNotFoundError();
      if (!tag) throw new TagNotFoundError();
      apply(contact, tag, now);
      return contact;
    });
    const applications = await this.tags.applications(workspaceId, contactId);
    return { ...tag!, application: applications.get(tag!.id) ?? null };
  }
}

@CommandHandler(TagContactCommand)
export class TagContactHandler extends ContactTagChange implements ICommandHandler<TagContactCommand, ContactTag> {
  execute(command: TagContactCommand): Promise<ContactTag> {
    // Requests carry an access token, not an admin: there is nobody to record as applied_by.
    return this.change(command, (contact, tag, now) => contact.tag(tag.id, null, now));
  }
}

@CommandHandler(UntagContactCommand)
export class UntagContactHandler extends ContactTagChange implements ICommandHandler<UntagContactCommand, ContactTag> {
  execute(command: UntagContactCommand): Promise<ContactTag> {
    return this.change(command, (contact, tag, now) => contact.untag(tag.id, now));
  }
}

@QueryHandler(ListContactTagsQuery)
export class ListContactTagsHandler implements IQueryHandler<ListContactTagsQuery, ContactTag[]> {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly tags: TagsService,
  ) {}

  async execute({ workspaceId, contactId }: ListContactTagsQuery): Promise<ContactTag[]> {
    const view = await this.contacts.find(workspaceId, contactId);
    if (!view) throw new ContactNotFoundError();
    const [tags, applications] = await Promise.all([
      this.tags.findMany(workspaceId, view.state.tag_ids),
      this.tags.applications(workspaceId, contactId),
    ]);
    return tags.map((tag) => ({ ...tag, application: applications.get(tag.id) ?? null }));
  }
}
