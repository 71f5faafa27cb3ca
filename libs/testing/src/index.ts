export * from './in-memory-bus';
export * from './nats-server';
export * from './inbox';
export * from './capturing-sink';
export * from './bus-factories';
export * from './fake-clock';
export * from './seeded-random';
