export * from './log-processor.decorator.js';
export * from './log-processors.runner.js';
export * from './processors.module.js';
export * from './nats/jetstream-link.js';
export * from './nats/nats-relay.processor.js';
export * from './nats/relay-envelope.js';
