export * from './database-probe.js';
export * from './metrics-registry.js';
