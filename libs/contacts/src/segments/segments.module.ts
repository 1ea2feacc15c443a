import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { COMPANY_SEGMENTS } from '../companies/company-segments.js';
import { CompanyViews } from '../companies/company-views.repository.js';
import { ContactListRepository } from '../search/contact-list.repository.js';
import { CompanySegmentMembers } from './company-segment-members.repository.js';
import { CompanySegmentReader } from './company-segment-reader.js';
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
 * Segments as saved searches: a catalog of named queries, and their members computed from the contacts or the
 * companies read model when asked. Exports the catalog (search inlines segment_id), SegmentReader, and
 * COMPANY_SEGMENTS, which companies/ reads for GET /companies/{id}/segments and ?segment_id=.
 */
@Module({
  imports: [CqrsModule, ContactStoreModule],
  controllers: [SegmentsController, SegmentDefinitionsController],
  providers: [
    SegmentCatalog,
    SegmentMembership,
    SegmentReader,
    ContactListRepository,
    CompanyViews,
    CompanySegmentMembers,
    CompanySegmentReader,
    { provide: COMPANY_SEGMENTS, useExisting: CompanySegmentReader },
    DefineSegmentHandler,
    DeleteSegmentHandler,
    ListSegmentsHandler,
    FindSegmentHandler,
    ListContactSegmentsHandler,
  ],
  exports: [SegmentCatalog, SegmentReader, COMPANY_SEGMENTS],
})
export class SegmentsModule {}
