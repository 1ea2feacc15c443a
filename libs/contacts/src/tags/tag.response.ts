import type { ContactTag } from './tag-contact.handler.js';
import type { Tag } from './tag-catalog.repository.js';

/** Intercom's tag_basic: the answer of the workspace tag endpoints. */
export const renderTag = (tag: Tag) => ({ type: 'tag', id: tag.id, name: tag.name });

/** A tag on a contact also says when it was applied, and by which admin (null when no admin did). */
export const renderContactTag = ({ application, ...tag }: ContactTag) => ({
  ...renderTag(tag),
  applied_at: application?.applied_at ?? null,
  applied_by: application?.admin_id != null ? { type: 'admin', id: String(application.admin_id) } : null,
});

export const renderTagList = <T>(tags: T[], render: (tag: T) => object) => ({ type: 'list', data: tags.map(render) });
