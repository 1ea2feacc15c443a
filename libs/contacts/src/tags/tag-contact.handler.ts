import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { DecisionContext } from '../domain/contact.aggregate.js';
import { tagContact } from '../domain/contact-relations.aggregate.js';
import type { ContactEvent } from '../domain/contact.events.js';
import type { ContactState } from '../domain/contact.state.js';
import { ContactRepository } from '../store/contact.repository.js';
import { TagApplications, type TagApplication } from './tag-applications.repository.js';
import { type Tag, TagCatalog, TagNotFoundError } from './tag-catalog.repository.js';

/** A tag as seen on one contact: null application when it was never on it. */
export interface ContactTag extends Tag {
  application: TagApplication | null;
}

/** Put a workspace tag on a contact; a tag already there records nothing. */
export class TagContactCommand extends Command<ContactTag> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly tagId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

@CommandHandler(TagContactCommand)
export class TagContactHandler implements ICommandHandler<TagContactCommand, ContactTag> {
  constructor(
    readonly contacts: ContactRepository,
    readonly tags: TagCatalog,
    readonly applications: TagApplications,
  ) {}

  execute(command: TagContactCommand): Promise<ContactTag> {
    // Requests carry an access token, not an admin: there is nobody to record as applied_by.
    return changeTag(this, command, (contact, tagId, context) => tagContact(contact, tagId, null, context));
  }
}

/** Tagging and untagging differ only in their decision; both answer the tag as it now stands on the contact. */
export async function changeTag(
  { contacts, tags, applications }: { contacts: ContactRepository; tags: TagCatalog; applications: TagApplications },
  { workspaceId, contactId, tagId, metadata }: TagContactCommand,
  decide: (contact: ContactState, tagId: string, context: DecisionContext) => ContactEvent[],
): Promise<ContactTag> {
  const tag = await tags.find(workspaceId, tagId);
  // A missing contact is reported before a missing tag (the repository checks the contact first).
  await contacts.change(workspaceId, contactId, metadata, (contact, context) => {
    if (!tag) throw new TagNotFoundError();
    return decide(contact, tag.id, context);
  });
  const applied = await applications.of(workspaceId, contactId, [tag!.id]);
  return { ...tag!, application: applied.get(tag!.id) ?? null };
}
