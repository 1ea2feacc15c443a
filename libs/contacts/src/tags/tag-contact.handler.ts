import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { DecisionContext } from '../domain/contact.aggregate.js';
import { firstAdmin, tagContact, untagContact } from '../domain/contact-relations.aggregate.js';
import type { ContactEvent } from '../domain/contact.events.js';
import type { ContactState } from '../domain/contact.state.js';
import { ContactNotFoundError } from '../domain/contact.errors.js';
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

  async execute(command: TagContactCommand): Promise<ContactTag> {
    // The token acts for the workspace's first admin, as a note without admin_id does: that admin applied the tag.
    const tagged = await changeTag(this, command, (contact, tagId, context) => tagContact(contact, tagId, firstAdmin(context.admins), context));
    await takeBackIfDeleted(this, command.workspaceId, [command.contactId], tagged.id, command.metadata);
    return tagged;
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

/**
 * A tagging that read the tag just before DELETE /tags/{id} made it a tombstone may commit after the detaching walk
 * passed its contact; reading the tag again after the commit closes that race (the walk starts after the tombstone
 * commits), so such a tag is taken off again here and the request answers 404 as if it had come a moment later.
 */
export async function takeBackIfDeleted(
  { contacts, tags }: { contacts: ContactRepository; tags: TagCatalog },
  workspaceId: string,
  contactIds: readonly string[],
  tagId: string,
  metadata: EventMetadata,
): Promise<void> {
  if (!(await tags.isGone(workspaceId, tagId))) return;
  for (const id of contactIds) {
    await contacts.change(workspaceId, id, metadata, (contact, context) => untagContact(contact, tagId, context)).catch(ignoreGone);
  }
  throw new TagNotFoundError();
}

/** A contact deleted meanwhile has no tag to take off. */
export const ignoreGone = (error: unknown): void => {
  if (!(error instanceof ContactNotFoundError)) throw error;
};
