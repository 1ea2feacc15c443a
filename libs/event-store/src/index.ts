export * from './event.js';
export * from './database.js';
export * from './postgres-event-store.js';
export * from './checkpoints.js';
export * from './leases.js';
export * from './log-subscription.js';
export { EventLog1764200000000 } from './migrations/1764200000000-event-log.js';
export { Checkpoints1764200000050 } from './migrations/1764200000050-checkpoints.js';
export * from './event-store.module.js';
