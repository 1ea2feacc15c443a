export * from './database-probe.js';
export * from './metrics-registry.js';
export * from './operations-server.js';
export * from './parked-events.js';
export * from './database-unavailable.js';
