export * from './api-version.js';
export * from './byte-budget-cache.js';
export * from './clock.js';
export * from './entity-tag.js';
export * from './intercom.error.js';
export * from './object-id.js';
export * from './pages.js';
export * from './limits.js';
