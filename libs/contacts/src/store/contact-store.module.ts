import { Module } from '@nestjs/common';
import { CachingContactRepository } from './caching-contact.repository.js';
import { ContactRepository } from './contact.repository.js';
import { ContactSnapshots } from './contact-snapshots.repository.js';
import { ContactViews } from './contact-views.repository.js';
import { DecisionContexts } from './decision-context.js';

/** The write mechanism and the read model, shared by every feature; one instance each per process. */
@Module({
  providers: [{ provide: ContactRepository, useClass: CachingContactRepository }, ContactViews, ContactSnapshots, DecisionContexts],
  exports: [ContactRepository, ContactViews, ContactSnapshots, DecisionContexts],
})
export class ContactStoreModule {}
