export * from './event.js';
export * from './database.js';
export * from './postgres-event-store.js';
export { EventLog1764200000000 } from './migrations/1764200000000-event-log.js';
export * from './event-store.module.js';
