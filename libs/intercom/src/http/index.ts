export * from './api-version.guard.js';
export * from './event-metadata.decorator.js';
export * from './validation.js';
export * from './conditional.js';
