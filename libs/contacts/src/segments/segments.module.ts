import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ContactListRepository } from '../search/contact-list.repository.js';
import { ContactStoreModule } from '../store/contact-store.module.js';
import { DefineSegmentHandler } from './define-segment.handler.js';
import { DeleteSegmentHandler } from './delete-segment.handler.js';
import { SegmentCatalog } from './segment-catalog.repository.js';
import { SegmentDefinitionsController } from './segment-definitions.controller.js';
import { SegmentMembership } from './segment-membership.repository.js';
import { FindSegmentHandler, ListContactSegmentsHandler, ListSegmentsHandler } from './segment.queries.js';
import { SegmentReader } from './segment-reader.js';
import { SegmentsController } from './segments.controller.js';

/**
 * Segments as saved searches: a catalog of named queries, and their members computed from the contacts read model
 * when asked. Exports the catalog (search inlines segment_id) and SegmentReader (a company's segments).
 */
@Module({
  imports: [CqrsModule, ContactStoreModule],
  controllers: [SegmentsController, SegmentDefinitionsController],
  providers: [
    SegmentCatalog,
    SegmentMembership,
    SegmentReader,
    ContactListRepository,
    DefineSegmentHandler,
    DeleteSegmentHandler,
    ListSegmentsHandler,
    FindSegmentHandler,
    ListContactSegmentsHandler,
  ],
  exports: [SegmentCatalog, SegmentReader],
})
export class SegmentsModule {}
