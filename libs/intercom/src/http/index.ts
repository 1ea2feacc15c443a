export * from './api-version.guard.js';
export * from './event-metadata.decorator.js';
export * from './validation.js';
export * from './conditional.js';
export * from './idempotency.errors.js';
export * from './idempotency.interceptor.js';
export * from './idempotent-answers.js';
