export * from './config.js';
export * from './database-url.js';
export * from './migrations.js';
export * from './operations/index.js';
export * from './encryption.js';
export * from './erasure.js';
