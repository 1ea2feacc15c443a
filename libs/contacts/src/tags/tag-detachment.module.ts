import { Module } from '@nestjs/common';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { TagDeletions } from './tag-deletions.repository.js';
import { TagDetacher } from './tag-detacher.js';
import { TagDetachmentLoop } from './tag-detachment.loop.js';

/** The loop that detaches deleted tags from their contacts: import it where the log processors run. */
@Module({
  imports: [ContactStoreModule],
  providers: [TagDeletions, TagDetacher, TagDetachmentLoop],
})
export class TagDetachmentModule {}
