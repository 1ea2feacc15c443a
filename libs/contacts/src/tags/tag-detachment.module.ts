import { Module } from '@nestjs/common';
import { CompanyStoreModule } from '../companies/company-store.module.js';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { TagDeletions } from './tag-deletions.repository.js';
import { TagDetacher } from './tag-detacher.js';
import { TagDetachmentLoop } from './tag-detachment.loop.js';

/** The loop that detaches deleted tags from their companies and contacts: import it where the log processors run. */
@Module({
  imports: [ContactStoreModule, CompanyStoreModule],
  providers: [TagDeletions, TagDetacher, TagDetachmentLoop],
})
export class TagDetachmentModule {}
