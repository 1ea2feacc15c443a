import { Command, Query } from '@nestjs/cqrs';
import type { EventMetadata } from '@app/event-store';
import type { Tag, TagApplication } from './tags.service.js';

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

/** Take a tag off a contact; a tag that is not there records nothing. */
export class UntagContactCommand extends Command<ContactTag> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
    readonly tagId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}

/** The tags on a contact, in the order they were put on. */
export class ListContactTagsQuery extends Query<ContactTag[]> {
  constructor(
    readonly workspaceId: string,
    readonly contactId: string,
  ) {
    super();
  }
}
