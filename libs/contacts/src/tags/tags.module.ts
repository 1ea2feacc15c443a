import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CompanyStoreModule } from '../companies/company-store.module.js';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { ContactTagsController } from './contact-tags.controller.js';
import { DeleteTagHandler } from './delete-tag.handler.js';
import { FindTagHandler } from './find-tag.handler.js';
import { ListContactTagsHandler } from './list-contact-tags.handler.js';
import { ListTagsHandler } from './list-tags.handler.js';
import { SaveTagHandler } from './save-tag.handler.js';
import { TagApplications } from './tag-applications.repository.js';
import { TagCatalog } from './tag-catalog.repository.js';
import { TagContactHandler } from './tag-contact.handler.js';
import { TagDeletions } from './tag-deletions.repository.js';
import { TagDetacher } from './tag-detacher.js';
import { TagUsersHandler } from './tag-users.handler.js';
import { TagsController } from './tags.controller.js';
import { UntagContactHandler } from './untag-contact.handler.js';

/**
 * The workspace's tag catalog, and tags on contacts (ContactTagged/ContactUntagged events). The detaching of deleted
 * tags runs where the log processors run (TagDetachmentModule); requests walk only a deletion's first companies and
 * contacts.
 */
@Module({
  imports: [CqrsModule, ContactStoreModule, CompanyStoreModule],
  controllers: [TagsController, ContactTagsController],
  providers: [
    TagCatalog,
    TagApplications,
    TagDeletions,
    TagDetacher,
    SaveTagHandler,
    ListTagsHandler,
    FindTagHandler,
    DeleteTagHandler,
    TagContactHandler,
    TagUsersHandler,
    UntagContactHandler,
    ListContactTagsHandler,
  ],
  exports: [TagCatalog],
})
export class TagsModule {}
