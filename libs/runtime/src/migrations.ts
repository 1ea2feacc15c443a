import {
  CompanyStreams1764200000920,
  ContactCompanyIndex1764200000450,
  ContactCountIndex1764200000460,
  ContactCounts1764200000700,
  ContactMergesIntoIndex1764200000750,
  ContactRelations1764200000400,
  ContactSearchIndexes1764200000300,
  ContactSearchTrigramsByField1764200000810,
  ContactSearchValues1764200000800,
  ContactSnapshots1764200000600,
  ContactsReadModel1764200000200,
  DataEvents1764200000910,
  Segments1764200000950,
  CompanyNotes1764200000960,
  TagDeletions1764200000940,
} from '@app/contacts';
import { Checkpoints1764200000050, EventLog1764200000000, IdempotencyKeys1764200001020, ParkedEvents1764200000650 } from '@app/event-store';
import { WebhookEventNames1764200000911, Webhooks1764200000500 } from '@app/webhooks';
import { AdminsWorkspaceIndex1764200000760, SubscriptionTypes1764200000150, Workspaces1764200000100 } from '@app/workspaces';

/** Every library's migrations, in timestamp order: the API, the worker, the CLI and the tests run them at start. */
export const MIGRATIONS = [
  EventLog1764200000000,
  Checkpoints1764200000050,
  Workspaces1764200000100,
  SubscriptionTypes1764200000150,
  ContactsReadModel1764200000200,
  ContactSearchIndexes1764200000300,
  ContactRelations1764200000400,
  ContactCompanyIndex1764200000450,
  ContactCountIndex1764200000460,
  Webhooks1764200000500,
  ContactSnapshots1764200000600,
  ParkedEvents1764200000650,
  ContactCounts1764200000700,
  ContactMergesIntoIndex1764200000750,
  AdminsWorkspaceIndex1764200000760,
  ContactSearchValues1764200000800,
  ContactSearchTrigramsByField1764200000810,
  DataEvents1764200000910,
  WebhookEventNames1764200000911,
  CompanyStreams1764200000920,
  TagDeletions1764200000940,
  Segments1764200000950,
  CompanyNotes1764200000960,
  IdempotencyKeys1764200001020,
];
