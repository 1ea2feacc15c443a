import { Module } from '@nestjs/common';
import { CompanyRepository } from './company.repository.js';

/**
 * The company write mechanism, one instance per process (so one per-company write queue): companies/, company notes
 * and the detaching of deleted tags (tags/tag-detacher.ts) all write through it.
 */
@Module({
  providers: [CompanyRepository],
  exports: [CompanyRepository],
})
export class CompanyStoreModule {}
