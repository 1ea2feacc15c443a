export * from './contacts.module.js';
export * from './domain/contact.aggregate.js';
export * from './domain/contact.events.js';
export * from './domain/contact.errors.js';
export * from './http/intercom-version.js';
export { ContactsReadModel1764200000200 } from './infrastructure/migrations/1764200000200-contacts-read-model.js';
export { ContactSearchIndexes1764200000300 } from './infrastructure/migrations/1764200000300-contact-search-indexes.js';
export { ContactRelations1764200000400 } from './infrastructure/migrations/1764200000400-contact-relations.js';
export { ContactCompanyIndex1764200000450 } from './infrastructure/migrations/1764200000450-contact-company-index.js';
